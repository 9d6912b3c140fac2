-- +goose Up
-- One council per municipality, addressed by the municipality's code.
CREATE TABLE councils (
    municipality_code           text PRIMARY KEY REFERENCES municipalities (code),
    name                        text NOT NULL,
    contact_email               text NOT NULL DEFAULT '',
    takes_unsolicited_questions bool NOT NULL DEFAULT false,
    seats                       int  NOT NULL DEFAULT 9 CHECK (seats BETWEEN 1 AND 99),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

-- Municipalities created before councils existed get the council every new
-- municipality gets.
INSERT INTO councils (municipality_code, name, updated_at)
SELECT code, left('Participatieraad ' || name, 100), created_at FROM municipalities;

-- Members keep their record after their term; whether they hold their role
-- is computed for a day, never stored.
CREATE TABLE members (
    id                uuid PRIMARY KEY,
    municipality_code text NOT NULL REFERENCES councils (municipality_code),
    name              text NOT NULL,
    role              text NOT NULL CHECK (role IN ('member', 'chair', 'secretary')),
    term_start        date NOT NULL,
    term_end          date CHECK (term_end IS NULL OR term_end >= term_start),
    subject           text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX members_roster ON members (municipality_code, name);

-- +goose Down
DROP TABLE members;
DROP TABLE councils;
