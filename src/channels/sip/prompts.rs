//! Prompt audio: texts become 8 kHz G.711 frames once, then play from memory.
//!
//! A prompt is keyed by a SHA-256 of its voice and text. The [`PromptStore`] looks in
//! memory, then in the cache folder (`<key>.wav`, where a recorded file overrides the
//! rendering), then runs the TTS command (espeak-ng by default), parses its WAV output and
//! resamples it to 8 kHz. When no TTS can run, a text plays as a short tone so that the call
//! still works.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hotline_codecs::g711;
use hotline_codecs::rtp::PT_PCMA;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::config::PromptConfig;
use super::wav;

/// Samples per second of every prompt.
pub const RATE: u32 = 8_000;
/// Samples in one 20 ms frame.
pub const FRAME: usize = 160;
/// Prompts kept in memory. Menu texts are a few hundred; texts with dynamic values (a
/// booking reference) would otherwise grow the map without end, so past this they are
/// rendered for the call and not kept.
pub const MAX_IN_MEMORY: usize = 4_096;

/// Why a text could not be rendered (the store then falls back to a tone).
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// No TTS command is configured.
    #[error("no TTS command configured")]
    NoCommand,
    /// The command could not be started or waited for.
    #[error("TTS command {command:?} failed to run: {source}")]
    Spawn {
        /// The program.
        command: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The command ran past `tts_timeout`.
    #[error("TTS command {command:?} timed out")]
    Timeout {
        /// The program.
        command: String,
    },
    /// The command exited with an error.
    #[error("TTS command {command:?} exited with {status}")]
    Exit {
        /// The program.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
    /// The command's output (or a cached file) is not a WAV file we can read.
    #[error("not a usable WAV file: {0}")]
    Wav(#[from] wav::WavError),
}

/// One prompt, encoded for both G.711 laws and padded to whole 20 ms frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pcmu: Vec<u8>,
    pcma: Vec<u8>,
}

impl Prompt {
    /// Encodes 8 kHz samples, padding the last frame with silence.
    pub fn from_samples(samples: &[i16]) -> Self {
        let padded = samples.len().div_ceil(FRAME).max(1) * FRAME;
        let mut pcm = samples.to_vec();
        pcm.resize(padded, 0);
        Self {
            pcmu: pcm.iter().map(|&s| g711::linear_to_ulaw(s)).collect(),
            pcma: pcm.iter().map(|&s| g711::linear_to_alaw(s)).collect(),
        }
    }

    /// The payloads of frames of `samples_per_frame` for payload type `pt` (0 or 8).
    pub fn frames(&self, pt: u8, samples_per_frame: usize) -> std::slice::Chunks<'_, u8> {
        let data = if pt == PT_PCMA {
            &self.pcma
        } else {
            &self.pcmu
        };
        data.chunks(samples_per_frame.max(1))
    }

    /// How many 20 ms frames it lasts.
    pub fn frame_count(&self) -> usize {
        self.pcmu.len() / FRAME
    }
}

/// Renders and keeps prompts; shared by every call.
#[derive(Debug)]
pub struct PromptStore {
    config: PromptConfig,
    memory: Mutex<HashMap<String, Arc<Prompt>>>,
    warned: AtomicBool,
}

impl PromptStore {
    /// A store that renders with `config`.
    pub fn new(config: PromptConfig) -> Self {
        Self {
            config,
            memory: Mutex::default(),
            warned: AtomicBool::new(false),
        }
    }

    /// The cache key of a text in a voice: lowercase hex SHA-256.
    pub fn key(voice: &str, text: &str) -> String {
        let digest = Sha256::new()
            .chain_update(voice.as_bytes())
            .chain_update([0])
            .chain_update(text.as_bytes())
            .finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The prompt for `text` in the configured voice. Never fails: a text that cannot be
    /// rendered plays as a tone (with one warning in the log).
    pub async fn prompt(&self, text: &str) -> Arc<Prompt> {
        let voice = self.config.voice.clone();
        let key = Self::key(&voice, text);
        if let Some(p) = self
            .memory
            .lock()
            .expect("prompt map lock is never poisoned")
            .get(&key)
        {
            return Arc::clone(p);
        }
        // A text that cannot be rendered keeps its tone until restart, so that a broken TTS
        // is not run again on every screen of every call.
        let samples = match self.load_or_render(&key, &voice, text).await {
            Ok(samples) => samples,
            Err(err) => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %err, "prompts play as tones: cannot render speech");
                }
                tone()
            }
        };
        let prompt = Arc::new(Prompt::from_samples(&samples));
        let mut memory = self
            .memory
            .lock()
            .expect("prompt map lock is never poisoned");
        if memory.len() < MAX_IN_MEMORY {
            memory.insert(key, Arc::clone(&prompt));
        }
        prompt
    }

    /// Loads or renders every text now, so that no caller waits for TTS (call it with
    /// every voice text of the menus at start-up). Returns how many prompts it holds.
    pub async fn warm<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> usize {
        for text in texts {
            self.prompt(text).await;
        }
        self.memory
            .lock()
            .expect("prompt map lock is never poisoned")
            .len()
    }

    async fn load_or_render(
        &self,
        key: &str,
        voice: &str,
        text: &str,
    ) -> Result<Vec<i16>, PromptError> {
        let path = self
            .config
            .cache_dir
            .as_ref()
            .map(|d| d.join(format!("{key}.wav")));
        if let Some(bytes) = path.as_ref().and_then(|p| std::fs::read(p).ok()) {
            let (rate, samples) = wav::parse(&bytes)?;
            return Ok(wav::resample(&samples, rate, RATE));
        }
        let samples = self.render(voice, text).await?;
        if let Some(path) = path {
            store(&path, &samples);
        }
        Ok(samples)
    }

    /// Runs the TTS command on `text` and returns 8 kHz samples.
    pub async fn render(&self, voice: &str, text: &str) -> Result<Vec<i16>, PromptError> {
        let (program, args) = self
            .config
            .tts
            .split_first()
            .ok_or(PromptError::NoCommand)?;
        let spawn_err = |source| PromptError::Spawn {
            command: program.clone(),
            source,
        };
        let mut child = tokio::process::Command::new(program)
            .args(args.iter().map(|a| a.replace("{voice}", voice)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(spawn_err)?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes()).await.map_err(spawn_err)?;
        }
        let output = tokio::time::timeout(self.config.tts_timeout, child.wait_with_output())
            .await
            .map_err(|_| PromptError::Timeout {
                command: program.clone(),
            })?
            .map_err(spawn_err)?;
        if !output.status.success() {
            return Err(PromptError::Exit {
                command: program.clone(),
                status: output.status,
            });
        }
        let (rate, samples) = wav::parse(&output.stdout)?;
        Ok(wav::resample(&samples, rate, RATE))
    }
}

/// Writes the cache file through a temporary name, so that a reader never sees half a file.
fn store(path: &PathBuf, samples: &[i16]) {
    let tmp = path.with_extension("wav.tmp");
    let result = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&tmp, wav::encode(RATE, samples)))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(err) = result {
        tracing::warn!(path = %path.display(), error = %err, "cannot cache a rendered prompt");
    }
}

/// The fallback for a text without speech: 300 ms of 440 Hz at about -12 dBFS, then 200 ms
/// of silence.
pub fn tone() -> Vec<i16> {
    let on = RATE as usize * 300 / 1000;
    let off = RATE as usize * 200 / 1000;
    let step = 2.0 * std::f32::consts::PI * 440.0 / RATE as f32;
    (0..on)
        .map(|n| ((n as f32 * step).sin() * 8_000.0) as i16)
        .chain(std::iter::repeat_n(0, off))
        .collect()
}
