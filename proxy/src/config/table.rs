//! A case-insensitive view of one TOML table, as Traefik 1.x's TOML decoder
//! matched struct fields (`CertFile` = `certFile` = `certfile`): keys are
//! taken by their lower-cased name, each typed getter errors with the full
//! dotted key and the file, and the keys nobody took become warnings.

use toml::Value;

use super::ConfigError;
use super::address::parse_duration;

/// One table being read: its keys by lower-cased name, in file order.
pub(crate) struct Section<'t> {
    /// The table's dotted path (`entryPoints.https.tls`), empty at the root.
    prefix: String,
    /// The file, for messages.
    file: &'t str,
    /// `(lower-cased key, key as written, value)`, not yet taken.
    keys: Vec<(String, &'t str, &'t Value)>,
}

impl<'t> Section<'t> {
    /// Views `table`; two keys differing only by case are an error.
    pub(crate) fn new(
        table: &'t toml::Table,
        prefix: String,
        file: &'t str,
    ) -> Result<Section<'t>, ConfigError> {
        let mut keys: Vec<(String, &'t str, &'t Value)> = Vec::with_capacity(table.len());
        for (key, value) in table {
            let lower = key.to_ascii_lowercase();
            if let Some((_, first, _)) = keys.iter().find(|(l, _, _)| *l == lower) {
                return Err(ConfigError::Invalid {
                    key: join(&prefix, key),
                    path: file.to_owned(),
                    message: format!(
                        "duplicates `{}` (keys are case-insensitive)",
                        join(&prefix, first)
                    ),
                });
            }
            keys.push((lower, key.as_str(), value));
        }
        Ok(Section { prefix, file, keys })
    }

    /// Takes `name` (lower-case), returning its dotted path and value.
    pub(crate) fn take(&mut self, name: &str) -> Option<(String, &'t Value)> {
        let i = self.keys.iter().position(|(lower, _, _)| lower == name)?;
        let (_, key, value) = self.keys.remove(i);
        Some((join(&self.prefix, key), value))
    }

    /// Takes every remaining key (a map of user-named entries).
    pub(crate) fn take_all(&mut self) -> Vec<(String, String, &'t Value)> {
        self.keys
            .drain(..)
            .map(|(_, key, value)| (key.to_owned(), join(&self.prefix, key), value))
            .collect()
    }

    /// The table's dotted path.
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The file, for messages.
    pub(crate) fn file(&self) -> &'t str {
        self.file
    }

    /// An error for `key`.
    pub(crate) fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_owned(),
            path: self.file.to_owned(),
            message: message.into(),
        }
    }

    /// Takes a string.
    pub(crate) fn string(&mut self, name: &str) -> Result<Option<(String, &'t str)>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some((key, Value::String(s))) => Ok(Some((key, s.as_str()))),
            Some((key, other)) => {
                Err(self.invalid(&key, format!("expected a string, found {}", other.type_str())))
            }
        }
    }

    /// Takes a boolean.
    pub(crate) fn boolean(&mut self, name: &str) -> Result<Option<bool>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some((_, Value::Boolean(b))) => Ok(Some(*b)),
            Some((key, other)) => Err(self.invalid(
                &key,
                format!("expected true or false, found {}", other.type_str()),
            )),
        }
    }

    /// Takes a duration: a Go duration string (`30s`, `1m30s`) or an integer
    /// number of seconds, as Traefik 1.x's `flaeg.Duration` read both.
    pub(crate) fn duration(&mut self, name: &str) -> Result<Option<std::time::Duration>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some((key, Value::String(s))) => parse_duration(s).map(Some).map_err(|m| self.invalid(&key, m)),
            Some((key, Value::Integer(n))) => u64::try_from(*n)
                .map(|secs| Some(std::time::Duration::from_secs(secs)))
                .map_err(|_| self.invalid(&key, format!("`{n}` is negative"))),
            Some((key, other)) => Err(self.invalid(
                &key,
                format!(
                    "expected a duration (`30s`) or seconds, found {}",
                    other.type_str()
                ),
            )),
        }
    }

    /// Takes a list of strings; a single string is split on commas, as
    /// Traefik's flags and environment accepted.
    pub(crate) fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(split_list(s))),
            Some((key, Value::Array(items))) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.trim().to_owned()),
                    other => Err(self.invalid(&key, format!("expected strings, found {}", other.type_str()))),
                })
                .filter(|item| !matches!(item, Ok(s) if s.is_empty()))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some((key, other)) => Err(self.invalid(
                &key,
                format!("expected a list of strings, found {}", other.type_str()),
            )),
        }
    }

    /// Takes a sub-table, viewed as a section.
    pub(crate) fn table(&mut self, name: &str) -> Result<Option<Section<'t>>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some((key, Value::Table(t))) => Section::new(t, key, self.file).map(Some),
            Some((key, other)) => {
                Err(self.invalid(&key, format!("expected a table, found {}", other.type_str())))
            }
        }
    }

    /// Turns every key nobody took into a warning naming it.
    pub(crate) fn finish(self, warnings: &mut Vec<String>) {
        for (_, key, _) in self.keys {
            warnings.push(format!(
                "unknown or unsupported key `{}` in {} is ignored",
                join(&self.prefix, key),
                self.file
            ));
        }
    }
}

/// `prefix.key`, or `key` at the root.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
