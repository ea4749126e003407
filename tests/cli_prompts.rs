//! `hotline prompts render` writes one cached prompt per fixed voice text of the shipped
//! menus; a second run finds them all in the cache. The "TTS" here prints a short WAV,
//! so the test does not depend on the voices installed or on their speed.

use std::process::Command;

#[test]
fn every_fixed_voice_text_gets_a_cached_prompt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let menus = concat!(env!("CARGO_MANIFEST_DIR"), "/menus");
    let wav = dir.path().join("beep.wav");
    std::fs::write(&wav, short_wav()).expect("wav");
    let config = dir.path().join("hotline.toml");
    std::fs::write(
        &config,
        format!(
            "menus_dir = \"{menus}\"\n\n[sip.prompts]\ntts = [\"sh\", \"-c\", \"cat >/dev/null; cat {}\"]\n",
            wav.display()
        ),
    )
    .expect("config");
    let out = dir.path().join("prompts");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_hotline"))
            .args(["prompts", "render", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("hotline runs")
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let files = std::fs::read_dir(&out).expect("prompts dir").count();
    assert!(files > 50, "one WAV per fixed voice text, got {files}");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains(&format!("{files} voice texts")), "{stdout}");
    let second = run();
    assert!(second.status.success());
    assert_eq!(std::fs::read_dir(&out).expect("prompts dir").count(), files);
}

/// 20 ms of silence as an 8 kHz, 16-bit mono WAV.
fn short_wav() -> Vec<u8> {
    let samples = 160u32;
    let data = samples * 2;
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data.to_le_bytes());
    wav.resize(wav.len() + data as usize, 0);
    wav
}
