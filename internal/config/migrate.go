package config

// migrateFields are the variables `todo-api migrate` reads: the direct connection string
// when set, else DATABASE_URL, which is then required.
var migrateFields = []field{
	databaseDirectURL,
	{name: databaseURL.name, set: databaseURL.set, unset: func(c *Config) error {
		if c.DatabaseDirectURL != "" {
			return nil
		}
		return databaseURL.unset(c)
	}},
}

// LoadMigrate reads the settings of `todo-api migrate` through getenv; migrations run over
// the result's MigrationURL.
func LoadMigrate(getenv func(string) string) (Config, error) {
	return load(getenv, Config{}, migrateFields)
}
