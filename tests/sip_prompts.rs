//! Prompts rendered by espeak-ng into 8 kHz G.711, cached on disk by content hash, and
//! the tone fallback when no TTS command can run.

use hotline::channels::sip::{PromptConfig, PromptStore};

fn espeak(cache: Option<std::path::PathBuf>) -> PromptConfig {
    PromptConfig {
        cache_dir: cache,
        ..PromptConfig::default()
    }
}

#[tokio::test]
async fn espeak_renders_speech_and_the_disk_cache_serves_it_later() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "For booking, press 1.";
    let store = PromptStore::new(espeak(Some(dir.path().to_owned())));
    let prompt = store.prompt(text).await;
    assert!(
        prompt.frame_count() > 25,
        "over half a second of speech: {}",
        prompt.frame_count()
    );
    let loud = prompt
        .frames(0, 160)
        .flatten()
        .filter(|&&b| b & 0x7f < 0x60)
        .count();
    assert!(loud > 500, "speech is not silence ({loud} loud samples)");

    let file = dir
        .path()
        .join(format!("{}.wav", PromptStore::key("en", text)));
    assert!(file.exists(), "{} was written", file.display());

    let offline = PromptStore::new(PromptConfig {
        tts: Vec::new(),
        ..espeak(Some(dir.path().to_owned()))
    });
    assert_eq!(
        *offline.prompt(text).await,
        *prompt,
        "served from the cache, no TTS needed"
    );
}

#[tokio::test]
async fn a_missing_tts_command_falls_back_to_a_tone() {
    let store = PromptStore::new(PromptConfig {
        tts: vec!["/nonexistent/tts".into()],
        ..PromptConfig::default()
    });
    let prompt = store.prompt("anything").await;
    assert_eq!(
        prompt.frame_count(),
        25,
        "half a second of tone and silence"
    );
    assert!(store.render("en", "anything").await.is_err());
}

#[tokio::test]
async fn persian_prompts_render_in_the_persian_voice() {
    let store = PromptStore::new(PromptConfig {
        voice: "fa".into(),
        ..PromptConfig::default()
    });
    let text = "برای رزرو نوبت، عدد یک را فشار دهید.";
    let samples = store
        .render("fa", text)
        .await
        .expect("espeak-ng speaks Persian");
    assert!(
        samples.len() > 8_000,
        "over a second of speech: {} samples",
        samples.len()
    );
    assert_ne!(
        PromptStore::key("fa", text),
        PromptStore::key("en", text),
        "the voice is part of the key"
    );
}
