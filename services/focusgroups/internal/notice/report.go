package notice

import (
	"fmt"
	"strings"
)

// Report tells a member of a process's focus group that the process's
// final report is published, linking the public results page (r's Link;
// none when empty). It is a transactional mail: every member who has not
// left gets it, whatever else they chose to hear about.
func Report(groupName string, r Recipient) Letter {
	nl, en := greeting(r.Name)
	link := r.page()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nJe hebt meegedaan aan de focusgroep \"%s\". Wat jullie inbrachten, is meegenomen in het advies van de participatieraad aan de gemeente. ", nl, groupName)
	b.WriteString("Het eindverslag is nu gepubliceerd: wat er gevraagd is, wat er met jullie inbreng is gedaan en wat de gemeente op het advies heeft geantwoord.")
	if link != "" {
		fmt.Fprintf(&b, " Je leest het hier:\n\n%s", link)
	}
	b.WriteString("\n\nBedankt voor je inzet!\n\n-- English --\n\n")
	fmt.Fprintf(&b, "%s\n\nYou took part in the focus group \"%s\". What the group brought in went into the participation council's advice to the municipality. ", en, groupName)
	b.WriteString("The final report is now published: what was asked, what was done with your input and how the municipality answered the advice.")
	if link != "" {
		fmt.Fprintf(&b, " You can read it here:\n\n%s", link)
	}
	b.WriteString("\n\nThank you for taking part!\n")
	return Letter{Subject: "Wat er met je inbreng is gedaan / What came of your input", Text: b.String()}
}
