package store

// PollLockKey lets tests hold a poll's lock as a submit in flight does.
var PollLockKey = pollLockKey

// The statements whose plans plans_test.go checks, with the settings their
// transactions run them under.
var (
	LookupSQL       = lookupSQL
	StoreWinnersSQL = storeWinnersSQL
	ClaimKeysSQL    = claimKeysSQL
)
