// Command diagram is a short tutorial: it prints, as Markdown, the stages
// of the default deal pipeline and the pipeline as a Mermaid state diagram,
// drawn from the looplab/fsm definition the library runs.
//
//	go run ./examples/diagram
//
// crmkit diagram writes every state machine of the library (pipeline, lead
// ladder, contract, campaign) as the Markdown page docs/diagrams.md.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/crmkit/crmkit/deal"
)

func main() {
	run(os.Stdout)
}

func run(w io.Writer) {
	p := deal.DefaultPipeline()
	for _, st := range p.Stages() {
		fmt.Fprintf(w, "- %s: win probability %s%%\n", st.Name, st.Probability.Shift(2))
	}
	fmt.Fprint(w, "\n```mermaid\n", p.Mermaid(), "```\n")
}
