package consumer_test

import (
	"fmt"

	"github.com/aidacrm/aida/runtime/consumer"
)

func ExampleHeader_Get() {
	h := consumer.Header{"Nats-Msg-Id": {"0195-a", "0195-b"}, "Empty": {}}
	fmt.Printf("%q %q %q\n", h.Get("Nats-Msg-Id"), h.Get("nats-msg-id"), h.Get("Empty"))
	// Output: "0195-a" "" ""
}
