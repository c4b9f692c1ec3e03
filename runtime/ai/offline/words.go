package offline

// The phrase sets of the rules, as functions so nothing can change them. Phrases are matched on
// whole lower-case words ("opt-out" reads as "opt out"), within one sentence.

func bounceWords() []phrase {
	return phrases("mailer daemon", "mail delivery subsystem", "mail delivery system",
		"delivery status notification", "undeliverable", "undelivered mail", "delivery has failed",
		"delivery failed", "could not be delivered", "couldn't be delivered", "wasn't delivered",
		"was not delivered", "message not delivered", "address not found", "user unknown",
		"unknown user", "no such user", "mailbox unavailable", "mailbox not found",
		"mailbox does not exist", "recipient address rejected", "returned mail",
		"permanent error", "permanent failure", "failed permanently", "550 5 1 1", "550 5 1 10", "550 5 4 1", "554 5 4 4")
}

func unsubscribeWords() []phrase {
	return phrases("unsubscribe", "unsubscribed", "unsubscribing", "remove me", "remove us",
		"remove my", "take me off", "take us off", "off your list", "off your mailing list",
		"opt out", "opt me out", "opting out", "stop emailing", "stop sending", "stop contacting",
		"stop messaging", "stop reaching out", "stop writing", "do not contact", "don't contact",
		"dont contact", "do not email", "don't email", "dont email", "do not reach out",
		"don't reach out", "never contact", "no more emails", "no further emails",
		"no more messages", "delete my data", "delete my information", "delete my details",
		"erase my data")
}

func outOfOfficeWords() []phrase {
	return phrases("out of office", "out of the office", "ooo", "on vacation", "on holiday",
		"on holidays", "on annual leave", "on leave", "parental leave", "maternity leave",
		"paternity leave", "sick leave", "away from the office", "away from my desk",
		"currently away", "i am away", "i'm away", "i will be away", "i'll be away",
		"currently out", "limited access to email", "limited access to my email",
		"automatic reply", "auto reply", "autoreply", "away until", "out until",
		"back in the office", "return to the office", "returning to the office")
}

// referralStrong says the writer is the wrong person, with or without a name.
func referralStrong() []phrase {
	return phrases("wrong person", "not the right person", "not the right contact",
		"not the best person", "not the best contact", "no longer with", "no longer works",
		"no longer at", "no longer employed", "left the company", "doesn't work here",
		"does not work here", "isn't the right person", "is not the right person",
		"better person", "better contact", "right person is", "right contact is",
		"point of contact", "not my area", "not in my remit", "not my department")
}

func notNowWords() []phrase {
	return phrases("not now", "not right now", "not at the moment", "not at this time",
		"not this quarter", "not this year", "not this month", "not yet", "maybe later",
		"maybe in", "maybe next", "perhaps in", "perhaps next", "later this year",
		"next quarter", "next year", "in q1", "in q2", "in q3", "in q4", "reach out in",
		"reach out again", "reach out after", "reach back out", "circle back", "check back",
		"check in again", "ping me in", "ping me after", "ping me next", "follow up in",
		"follow up next", "follow up after", "try again in", "try me again", "try us again",
		"get back to me in", "get back in touch in", "revisit", "bad timing", "bad time",
		"timing isn't right", "timing is not right", "timing is off", "not the right time",
		"not a priority", "not a priority right now", "too busy", "swamped", "on hold",
		"after the holidays", "until next", "budget cycle", "next budget", "next fiscal",
		"in a few months", "in a couple of months", "in a few weeks", "hiring freeze",
		"budget freeze", "freeze")
}

func objectionWords() []phrase {
	return phrases("not interested", "no interest", "no thanks", "no thank you", "not for us",
		"not a fit", "not a good fit", "not the right fit", "too expensive", "too pricey",
		"too costly", "can't afford", "cannot afford", "out of our budget", "no budget",
		"don't have budget", "don't have the budget", "don't need", "dont need", "do not need",
		"no need", "already use", "already using", "already have", "already work with",
		"already working with", "we use", "we're using", "we are using", "happy with our",
		"happy with what we have", "satisfied with", "went with", "chose another",
		"chosen another", "decided to go with", "not looking", "don't see the value",
		"not convinced", "pass on this", "we'll pass", "we will pass", "i'll pass", "spam",
		"not relevant", "irrelevant")
}

// questionStarts open a sentence that asks something, with or without a question mark.
func questionStarts() []phrase {
	return phrases("how much", "how many", "how does", "how do", "how long", "what is", "what's",
		"what are", "what does", "which", "do you", "does it", "does your", "can you",
		"could you", "is there", "are there", "is it", "will it", "would it")
}

// proposalStarts open a question that proposes to go on together: "can we start a trial?".
func proposalStarts() []phrase {
	return phrases("can we", "could we", "shall we", "should we", "may we", "when can we",
		"how about", "what about a", "would you be open", "are you free", "are you available")
}

// schedulingWords turn a question into interest: "when can we talk?" asks for a meeting.
func schedulingWords() []phrase {
	return phrases("call", "demo", "meeting", "meet", "chat", "talk", "slot", "calendar",
		"schedule", "book", "zoom", "teams", "you free", "you available", "free on", "free next",
		"free this", "available on", "available next", "available this")
}

func interestedWords() []phrase {
	return phrases("interested", "interesting", "sounds good", "sounds great", "sounds like",
		"let's talk", "let's chat", "let's connect", "let's do it", "let's set up",
		"let's schedule", "let's meet", "set up a call", "set up a meeting", "set up a demo",
		"schedule a call", "schedule a demo", "book a call", "book a demo", "book a time",
		"hop on a call", "jump on a call", "love to learn", "love to see", "love to hear",
		"like to learn", "like to see", "like to hear", "tell me more", "keen", "happy to chat",
		"happy to talk", "happy to meet", "count me in", "send over", "send me", "please send",
		"works for me", "i'm in", "yes please", "we'd like", "we would like", "i'd like",
		"i would like", "calendar invite", "my calendar", "free on", "free next",
		"available on", "available next", "looking forward", "next steps", "sign us up",
		"makes sense")
}

// injectionWords read as instructions to the system rather than a person's reply.
func injectionWords() []phrase {
	return phrases("ignore previous instructions", "ignore all previous", "ignore the above",
		"ignore your instructions", "ignore prior instructions", "disregard previous",
		"disregard all", "disregard your", "system prompt", "you are now", "new instructions",
		"set autonomy", "autonomy to", "autonomy level", "mark the deal", "mark this deal",
		"mark deal", "change the owner", "change owner", "api key", "as an ai")
}
