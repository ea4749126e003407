//! Logs through `tracing`: human-readable lines by default, one JSON object per line with
//! `--log-format json`, and one span per dialog that carries the channel, the service code
//! and the session id (never the MSISDN).
//!
//! [`capture`] records the formatted output of the current thread into a buffer, so that a
//! test can scan what an operator would read (the PII scan).

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::Span;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::sessions::SessionKey;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event, for log shippers.
    Json,
}

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The filter string is not a valid `EnvFilter` directive list.
    #[error("invalid log filter {filter:?}: {source}")]
    Filter {
        /// The filter as given.
        filter: String,
        /// The parser's complaint.
        source: tracing_subscriber::filter::ParseError,
    },
    /// A global subscriber was already installed.
    #[error("a log subscriber is already installed: {0}")]
    AlreadySet(#[from] tracing::subscriber::SetGlobalDefaultError),
}

/// Installs the global subscriber writing to stderr. `filter` uses `RUST_LOG` syntax
/// (`info`, `hotline=debug,axum=warn`).
pub fn init(format: LogFormat, filter: &str) -> Result<(), TelemetryError> {
    let dispatch = dispatch(format, filter, io::stderr)?;
    tracing::dispatcher::set_global_default(dispatch)?;
    Ok(())
}

fn dispatch<W>(
    format: LogFormat,
    filter: &str,
    writer: W,
) -> Result<tracing::Dispatch, TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let env_filter = EnvFilter::try_new(filter).map_err(|source| TelemetryError::Filter {
        filter: filter.to_owned(),
        source,
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(writer);
    Ok(match format {
        LogFormat::Text => tracing::Dispatch::new(builder.finish()),
        LogFormat::Json => tracing::Dispatch::new(builder.json().with_current_span(true).finish()),
    })
}

/// Opens the span for one dialog step. Every log line inside it names the dialog without
/// naming the person: `key.id` is the operator's correlation value, never an MSISDN.
pub fn session_span(channel: &'static str, service_code: &str, key: &SessionKey) -> Span {
    tracing::info_span!(
        "session",
        channel,
        service_code,
        operator = &*key.operator,
        session = %key.id,
    )
}

/// Formatted log output captured in memory by [`capture`].
#[derive(Debug, Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything written so far, lossily decoded.
    pub fn contents(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The writer handed to the subscriber by [`LogBuffer`].
#[derive(Debug)]
pub struct LogBufferWriter(Arc<Mutex<Vec<u8>>>);

impl io::Write for LogBufferWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'w> MakeWriter<'w> for LogBuffer {
    type Writer = LogBufferWriter;

    fn make_writer(&'w self) -> Self::Writer {
        LogBufferWriter(Arc::clone(&self.0))
    }
}

/// Captures every event of the current thread (at `filter` and above) into a buffer, in
/// `format`, until the guard is dropped. Run the code under test on this thread (a
/// current-thread tokio runtime does) and scan [`LogBuffer::contents`] afterwards.
pub fn capture(
    format: LogFormat,
    filter: &str,
) -> Result<(LogBuffer, tracing::dispatcher::DefaultGuard), TelemetryError> {
    let buffer = LogBuffer::default();
    let dispatch = dispatch(format, filter, buffer.clone())?;
    Ok((buffer, tracing::dispatcher::set_default(&dispatch)))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{capture, session_span, LogFormat};
    use crate::sessions::SessionKey;

    #[test]
    fn json_lines_carry_the_session_span() -> anyhow::Result<()> {
        let (logs, guard) = capture(LogFormat::Json, "info")?;
        let key = SessionKey {
            operator: Arc::from("at"),
            id: "ATUid_1".into(),
        };
        session_span("http", "*123#", &key).in_scope(|| tracing::info!(step = 2, "answered"));
        drop(guard);
        let line: serde_json::Value = serde_json::from_str(logs.contents().trim())?;
        assert_eq!(line["span"]["session"], "ATUid_1");
        assert_eq!(line["span"]["service_code"], "*123#");
        assert_eq!(line["fields"]["message"], "answered");
        Ok(())
    }

    #[test]
    fn text_is_the_default_and_a_bad_filter_is_explained() {
        assert_eq!(LogFormat::default(), LogFormat::Text);
        let err = capture(LogFormat::Text, "hotline=[").map(|_| ()).err();
        assert!(matches!(err, Some(super::TelemetryError::Filter { .. })));
    }
}
