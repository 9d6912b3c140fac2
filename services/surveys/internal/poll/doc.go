// Package poll is the surveys service's domain: flash polls
// (flitspeilingen) and questionnaires (vragenlijsten), the answers residents
// give them, and the tallies of those answers. It imports no storage or
// transport: the store keeps a poll's Record and a tally's TallyRecord, and
// rebuilds them with Restore and RestoreTally.
//
// # Polls
//
// A Poll belongs to a participation process and a tenant: a municipality
// for local work, or a region with its participating municipalities for
// shared work. A flash poll has one section of one to five questions and
// runs from an hour to 60 days; a questionnaire has sections of up to 100
// questions in all and runs up to 180 days. Titles, questions and labels
// are Text: Dutch required, English optional.
//
// Its lifecycle is draft → scheduled → open → closed, and cancelled from
// any of the first three. Schedule checks that the poll is complete,
// including the statement of when and how results will be shared, which
// the thank-you page shows. Due tells which automatic transition is due
// (open at the opening time, close at the closing time) and Advance
// applies them. Questions are frozen once the poll opens: every answer is
// to the same questions. Illegal transitions and edits fail with
// errs.FailedPrecondition; invalid input with errs.Invalid naming every
// offending field.
//
// # Questions and answers
//
// Questions have stable short ids, as do sections, options, matrix rows
// and columns; answers and tallies refer to them. A question may be shown
// only if an earlier question's answer is (or contains) one of some
// options; referring only to earlier questions rules out cycles.
//
// Check turns raw Answers into a normalised Response, or names every
// problem at once with a JSON-pointer path such as "/answers/q2". An
// answer to a question hidden by its condition is dropped, neither judged
// nor stored: pages work without JavaScript, so a resident may well have
// answered it before changing the answer that hides it.
//
// # Tallies
//
// A Tally adds up responses per municipality: counts per option, point,
// matrix cell and ranking position, sums of numbers, and free texts kept
// apart. Tallies merge, so a consumer tallies a batch of responses and
// adds it to the stored counts at once (Record gives the counters to add).
// Summary lays a tally out for the council.
//
// # Small-cell suppression
//
// Public lays a tally out for everyone else. A count from 1 to minCell-1
// could point at a person, so it is hidden; but a reader who knows how
// many answered could subtract the counts shown from that total and find
// it again. So more counts are hidden beside it until no hidden count
// follows from the totals shown, by one subtraction or any combination of
// them: within one question the next smallest count goes too; in a shared
// poll's table of municipalities × options, hidden counts form cycles
// (suppress.go has the method). Hiding was chosen over rounding, because
// figures that no longer add up confuse readers, and over merging options,
// because merged options no longer answer the question as asked.
// Municipalities are merged instead of hidden: a municipality with fewer
// than minCell answers is shown together with the next smallest. Zero
// counts are shown: a zero points at no one. Means show only where no
// count behind them is hidden (with the counts shown a mean is one more
// equation); minima and maxima never (each is one person's answer), nor
// ranking positions (only average ranks); free texts only where a council
// member marked them public.
package poll
