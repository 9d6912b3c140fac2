// Package mail sends e-mail: a Message, the Sender that delivers it, an
// SMTP sender for production, and a development mailbox that receives over
// SMTP on loopback and shows what it got on a web page.
//
// Errors from this package never contain a recipient's address, so that
// callers may log them: residents' addresses stay out of logs.
package mail

import (
	"context"
	"errors"
)

// Message is one e-mail to one recipient.
type Message struct {
	// To is the recipient's address.
	To string
	// Subject is the subject line.
	Subject string
	// Text is the plain-text body; every message has one.
	Text string
	// HTML is an optional HTML alternative of Text.
	HTML string
	// UnsubscribeURL, when set, is sent as the List-Unsubscribe header.
	UnsubscribeURL string
	// Language is the body's main language, sent as Content-Language;
	// empty means "nl".
	Language string
	// Attachments are files sent with the message.
	Attachments []Attachment
}

// Attachment is a file sent with a message, such as an iCalendar
// invitation (RFC 6047: text/calendar with its method).
type Attachment struct {
	// Name is the file name, e.g. "uitnodiging.ics".
	Name string
	// ContentType is its MIME type with parameters, e.g.
	// "text/calendar; charset=utf-8; method=REQUEST".
	ContentType string
	// Data is the file's content.
	Data []byte
}

// Sender delivers messages.
type Sender interface {
	// Send delivers m, or fails. An error that wraps ErrRejected means
	// trying again will not help.
	Send(ctx context.Context, m Message) error
}

// ErrRejected marks a permanent failure: the server refused the message or
// its recipient for good.
var ErrRejected = errors.New("mail rejected")
