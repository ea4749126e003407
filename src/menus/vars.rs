//! Session variables: dotted paths into a JSON map (`slot.time`, `slots.slots.0.id`).

use serde_json::{Map, Value};

/// The value at `path`, walking objects by key and lists by index.
pub fn lookup<'a, S: AsRef<str>>(vars: &'a Map<String, Value>, path: &[S]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = vars.get(first.as_ref())?;
    for segment in rest {
        value = match value {
            Value::Object(map) => map.get(segment.as_ref())?,
            Value::Array(list) => list.get(segment.as_ref().parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// A value as a caller or an action argument sees it: text as is, numbers and booleans
/// printed, `null` empty, lists and maps as JSON.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Splits `a.b.c` into its segments.
pub fn path(dotted: &str) -> Vec<String> {
    dotted.split('.').map(str::to_owned).collect()
}
