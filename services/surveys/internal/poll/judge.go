package poll

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/internal/errs"
)

// checkAnswer judges a, a non-empty answer to q, and returns its reply;
// the reply means nothing if it recorded violations.
func checkAnswer(v *errs.Violations, path string, q Question, a Answer) Reply {
	checkFields(v, path, q.Type, a)
	r := Reply{Question: q.ID, Type: q.Type}
	switch q.Type {
	case SingleChoice:
		choices := mergedChoices(a)
		if len(choices) > 1 {
			v.Add(path, fmt.Sprintf("allows one choice, not %d", len(choices)))
		}
		if len(choices) > 0 && !slices.Contains(choiceKeys(q), choices[0]) {
			v.Add(path, fmt.Sprintf("option %q is not in the list", choices[0]))
		}
		r.Choices = choices[:min(1, len(choices))]
		r.Other = checkOther(v, path, q, slices.Contains(r.Choices, OtherID), a.Other)
	case MultipleChoice:
		r.Choices = checkChoices(v, path, q, mergedChoices(a))
		r.Other = checkOther(v, path, q, slices.Contains(r.Choices, OtherID), a.Other)
	case Likert:
		r.Point = checkPoint(v, path, a.Value, likertLow, likertHigh)
	case Scale:
		r.Point = checkPoint(v, path, a.Value, scaleLow, scaleHigh)
	case Number:
		r.Number = checkNumber(v, path, q, a.Value)
	case Ranking:
		r.Ranking = checkRanking(v, path, q, a.Ranks)
	case Matrix:
		r.Rows = checkMatrix(v, path, q, a.Rows)
	case ShortText, LongText:
		r.Text = cleanAnswerText(a.Text)
		if q.Type == ShortText {
			r.Text = strings.ReplaceAll(r.Text, "\n", " ")
		}
		checkLength(v, path, r.Text, q.MaxLength)
	}
	return r
}

// checkFields records every field of a that q's type does not take.
func checkFields(v *errs.Violations, path string, t QuestionType, a Answer) {
	choice := t == SingleChoice || t == MultipleChoice
	for _, f := range []struct {
		field   string
		set     bool
		applies bool
	}{
		{"choice", strings.TrimSpace(a.Choice) != "", choice},
		{"choices", len(a.Choices) > 0, choice},
		{"value", strings.TrimSpace(a.Value) != "", t == Likert || t == Scale || t == Number},
		{"ranks", len(a.Ranks) > 0, t == Ranking},
		{"rows", len(a.Rows) > 0, t == Matrix},
		{"text", strings.TrimSpace(a.Text) != "", t == ShortText || t == LongText},
	} {
		if f.set && !f.applies {
			v.Add(path+"/"+f.field, fmt.Sprintf("does not apply to a %s question", t))
		}
	}
}

// mergedChoices takes Choice and Choices together, trimmed and without
// repeats: a form may send a single checkbox as Choice, and a repeated
// option is still one choice.
func mergedChoices(a Answer) []string {
	var out []string
	for _, c := range append([]string{a.Choice}, a.Choices...) {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func checkChoices(v *errs.Violations, path string, q Question, chosen []string) []string {
	keys := choiceKeys(q)
	for _, c := range chosen {
		if !slices.Contains(keys, c) {
			v.Add(path, fmt.Sprintf("option %q is not in the list", c))
		}
	}
	switch n := len(chosen); {
	case n < q.MinChoices:
		v.Add(path, fmt.Sprintf("choose at least %s (chose %d)", options(q.MinChoices), n))
	case n > q.MaxChoices:
		v.Add(path, fmt.Sprintf("choose at most %s (chose %d)", options(q.MaxChoices), n))
	}
	// Option order, so that equal answers are equal responses.
	var out []string
	for _, k := range keys {
		if slices.Contains(chosen, k) {
			out = append(out, k)
		}
	}
	return out
}

func options(n int) string {
	if n == 1 {
		return "1 option"
	}
	return fmt.Sprintf("%d options", n)
}

func checkOther(v *errs.Violations, path string, q Question, chosen bool, text string) string {
	text = cleanAnswerText(text)
	switch {
	case text != "" && !q.Other:
		v.Add(path+"/other", "does not apply: this question has no \"other, namely…\"")
	case text != "" && !chosen:
		v.Add(path+"/other", "is filled in, but \"other, namely…\" is not chosen")
	case text == "" && chosen:
		v.Add(path+"/other", "is required when choosing \"other, namely…\"")
	}
	checkLength(v, path+"/other", text, MaxOtherText)
	return text
}

func checkPoint(v *errs.Violations, path, value string, low, high int) int {
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < low || n > high {
		v.Add(path, fmt.Sprintf("must be a whole number from %d to %d", low, high))
	}
	return n
}

func checkNumber(v *errs.Violations, path string, q Question, value string) Decimal {
	if ambiguousThousands(value) && q.Step%10 == 0 {
		v.Add(path, "is ambiguous: write whole numbers without a thousands separator (1000) and decimals with a comma (2,5)")
		return 0
	}
	d, err := ParseDecimal(value)
	if err != nil {
		v.Add(path, err.Error())
		return 0
	}
	switch {
	case d < q.Min || d > q.Max:
		v.Add(path, fmt.Sprintf("must be from %s to %s", q.Min, q.Max))
	case (d-q.Min)%q.Step != 0:
		if q.Step == decimalScale && q.Min%decimalScale == 0 {
			v.Add(path, "must be a whole number")
		} else {
			v.Add(path, fmt.Sprintf("must be %s plus a multiple of %s", q.Min, q.Step))
		}
	}
	return d
}

func checkRanking(v *errs.Violations, path string, q Question, ranks map[string]int) []string {
	n := len(q.Options)
	ids := optionIDs(q.Options)
	holders := make(map[int][]string, n)
	for _, id := range slices.Sorted(maps.Keys(ranks)) {
		pos := ranks[id]
		switch {
		case !slices.Contains(ids, id):
			v.Add(path+"/"+id, "is not an option of this question")
		case pos < 1 || pos > n:
			v.Add(path+"/"+id, fmt.Sprintf("must be a position from 1 to %d", n))
		default:
			holders[pos] = append(holders[pos], id)
		}
	}
	for _, id := range ids {
		if _, ok := ranks[id]; !ok {
			v.Add(path+"/"+id, "has no position: a ranking puts every option in order")
		}
	}
	ranking := make([]string, n)
	for pos := 1; pos <= n; pos++ {
		switch hs := holders[pos]; {
		case len(hs) > 1:
			v.Add(path, fmt.Sprintf("position %d is given to %s; each position goes to one option", pos, strings.Join(hs, " and ")))
		case len(hs) == 1:
			ranking[pos-1] = hs[0]
		}
	}
	return ranking
}

func checkMatrix(v *errs.Violations, path string, q Question, rows map[string]string) map[string]string {
	rowIDs, cols := optionIDs(q.Rows), optionIDs(q.Columns)
	out := map[string]string{}
	for _, row := range slices.Sorted(maps.Keys(rows)) {
		col := strings.TrimSpace(rows[row])
		switch {
		case !slices.Contains(rowIDs, row):
			v.Add(path+"/"+row, "is not a row of this question")
		case col == "":
			// Left open, as a browser sends an unchosen row.
		case !slices.Contains(cols, col):
			v.Add(path+"/"+row, fmt.Sprintf("column %q is not in the list", col))
		default:
			out[row] = col
		}
	}
	if q.Required {
		for _, row := range rowIDs {
			if strings.TrimSpace(rows[row]) == "" {
				v.Add(path+"/"+row, "is required: answer every row")
			}
		}
	}
	return out
}
