package diagram_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/diagram"
)

// ExampleRun writes the Markdown page of the state diagrams; here only its
// section titles are printed.
func ExampleRun() {
	var out bytes.Buffer
	code := diagram.Run(context.Background(), nil, strings.NewReader(""), &out, io.Discard)
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "#") {
			fmt.Println(line)
		}
	}
	fmt.Println("exit status", code)
	// Output:
	// # State diagrams
	// ## The default deal pipeline
	// ## The lead ladder
	// ## The contract
	// ## The campaign
	// exit status 0
}
