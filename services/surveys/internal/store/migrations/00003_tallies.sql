-- +goose Up
-- Live tallies: one row per counter, never per response, so reading a tally
-- costs the same at a thousand answers as at a million. The consumer that
-- fills them adds a whole batch of responses in one statement per table,
-- and records the events it applied in the inbox (events migrations) in the
-- same transaction; no position of its own is kept here.

-- Counts per municipality ('' when unknown), question ('' counts
-- responses), row (a matrix row or a ranked option, else '') and cell (an
-- option, point, column or ranking position; '' counts those who answered).
CREATE TABLE tallies (
    poll_id      uuid   NOT NULL,
    municipality text   NOT NULL,
    question     text   NOT NULL,
    row_key      text   NOT NULL,
    cell_key     text   NOT NULL,
    count        bigint NOT NULL,
    PRIMARY KEY (poll_id, municipality, question, row_key, cell_key)
);

-- Sums of number answers, in thousandths (poll.Decimal), so that sums
-- stay exact whatever order batches arrive in. min and max mean nothing
-- while count is 0.
CREATE TABLE tally_numbers (
    poll_id      uuid   NOT NULL,
    municipality text   NOT NULL,
    question     text   NOT NULL,
    count        bigint NOT NULL,
    sum          bigint NOT NULL,
    min          bigint NOT NULL,
    max          bigint NOT NULL,
    PRIMARY KEY (poll_id, municipality, question)
);

-- Free texts: text answers and "other, namely…" texts, in order of
-- arrival (seq). A question has one text per response, which makes
-- re-adding a text harmless. public marks texts a council member judged
-- fit to show outside the council.
CREATE TABLE tally_texts (
    poll_id      uuid    NOT NULL,
    response_id  uuid    NOT NULL,
    question     text    NOT NULL,
    seq          bigint  GENERATED ALWAYS AS IDENTITY,
    municipality text    NOT NULL,
    other        boolean NOT NULL,
    text         text    NOT NULL,
    public       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (poll_id, response_id, question)
);

CREATE INDEX tally_texts_question ON tally_texts (poll_id, question, seq);
CREATE INDEX tally_texts_public ON tally_texts (poll_id, question, seq) WHERE public;

-- +goose Down
DROP TABLE tally_texts;
DROP TABLE tally_numbers;
DROP TABLE tallies;
