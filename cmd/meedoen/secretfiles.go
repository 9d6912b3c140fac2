package main

// secretEnv are the environment variables that hold secrets. Each may come
// from a file instead: MEEDOEN_SESSION_KEY_FILE=/run/secrets/session_key
// (config.LoadSecretFiles; deploy/compose.yaml and docs/operations.md).
var secretEnv = []string{
	"DATABASE_URL",
	"NATS_URL",
	"MEEDOEN_INTERNAL_SIGNING_KEY",
	"MEEDOEN_SESSION_KEY",
	"MEEDOEN_RESPONDENT_KEY",
	"OIDC_CLIENT_SECRET",
	"MEEDOEN_SMTP_PASSWORD",
}
