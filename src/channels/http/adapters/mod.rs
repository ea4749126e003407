//! One small mapping per aggregator: its request body to a [`WireRequest`], and a
//! [`Reply`] back to its response body.
//!
//! - [`africas_talking`]: form-encoded, cumulative `text`, `CON `/`END ` plain-text replies.
//! - [`arkesel`]: JSON with `newSession` and a `continueSession` reply.
//! - [`hubtel`]: JSON with `Type` initiation/response/release and a `Sequence`.
//! - [`nalo`]: JSON with `MSGTYPE` true on the first request and in continuing replies.

pub mod africas_talking;
pub mod arkesel;
pub mod hubtel;
pub mod nalo;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::config::Aggregator;
use super::wire::{Echo, Malformed, WireRequest};
use crate::sessions::Reply;

/// The body parser for `aggregator`'s session callbacks.
pub fn parser(aggregator: Aggregator) -> fn(&[u8]) -> Result<WireRequest, Malformed> {
    match aggregator {
        Aggregator::AfricasTalking => africas_talking::parse,
        Aggregator::Hubtel => hubtel::parse,
        Aggregator::Nalo => nalo::parse,
        Aggregator::Arkesel => arkesel::parse,
    }
}

/// Renders `reply` in the convention the request came in.
pub fn render(reply: &Reply, echo: &Echo) -> Response {
    match echo {
        Echo::AfricasTalking => africas_talking::render(reply),
        Echo::Hubtel { .. } => hubtel::render(reply, echo),
        Echo::Nalo { .. } => nalo::render(reply, echo),
        Echo::Arkesel { .. } => arkesel::render(reply, echo),
    }
}

/// A JSON body with status 200.
fn json(value: serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}
