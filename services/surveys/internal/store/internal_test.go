package store

// PollLockKey lets tests hold a poll's lock as a submit in flight does.
var PollLockKey = pollLockKey
