package config

import "strings"

// devFields are the variables `todo-api dev` reads; everything else it builds in (its own
// database, its own token issuer).
var devFields = []field{devListenAddr, corsAllowedOrigins, rateLimitPerUser, logLevel, logFormat}

// LoadDev reads the settings of `todo-api dev` through getenv: the service's defaults, a
// loopback listen address (listen, the --listen flag, wins over LISTEN_ADDR) and text logs.
// DatabaseURL and the JWT settings are left for dev to fill in once its database and issuer
// exist. Errors are *Error, with the same message as under Load for the same mistake.
func LoadDev(getenv func(string) string, listen string) (Config, error) {
	if listen = strings.TrimSpace(listen); listen != "" {
		env := getenv
		getenv = func(k string) string {
			if k == devListenAddr.name {
				return listen
			}
			return env(k)
		}
	}
	c := defaults()
	c.ListenAddr = DefaultDevListenAddr
	c.LogFormat = DefaultDevLogFormat
	return load(getenv, c, devFields)
}
