//! Who may bind to the server role: the configured integrators, checked on source address,
//! credentials, bind type and their count of live binds. Refusals say why in the log; the
//! ESME only ever sees `ESME_RBINDFAIL`, so a guesser learns nothing.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use hotline_codecs::smpp::Pdu;

use super::config::{BindType, IntegratorConfig};
use super::driver::Endpoint;
use crate::config::OperatorConfig;

/// Why a bind was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No integrator has this `system_id`.
    #[error("unknown system_id")]
    UnknownSystemId,
    /// The password does not match.
    #[error("wrong password for {0}")]
    WrongPassword(String),
    /// The source address is outside the integrator's allowed networks.
    #[error("{0} may not bind from this address")]
    AddressNotAllowed(String),
    /// The bind type is not among the integrator's allowed ones.
    #[error("{0} may not bind as {1:?}")]
    BindTypeNotAllowed(String, BindType),
    /// The integrator already holds its maximum of binds.
    #[error("{0} already holds its {1} binds")]
    TooManyBinds(String, usize),
    /// The PDU was not a bind.
    #[error("not a bind request")]
    NotABind,
}

/// The integrators and how many binds each holds.
#[derive(Debug)]
pub struct ServerAuth {
    integrators: Vec<IntegratorConfig>,
    operators: BTreeMap<String, OperatorConfig>,
    live: Arc<Mutex<HashMap<String, usize>>>,
}

/// A granted bind. Dropping it frees the integrator's bind slot.
#[derive(Debug)]
pub struct Admission {
    /// Where the bind's dialogs go.
    pub endpoint: Endpoint,
    live: Arc<Mutex<HashMap<String, usize>>>,
    system_id: String,
}

impl ServerAuth {
    /// Checks binds against `integrators`; screen sizes come from `operators`.
    pub fn new(
        integrators: Vec<IntegratorConfig>,
        operators: BTreeMap<String, OperatorConfig>,
    ) -> Self {
        Self {
            integrators,
            operators,
            live: Arc::default(),
        }
    }

    /// True when some integrator may connect from `ip` (checked before reading a byte).
    pub fn allows_address(&self, ip: IpAddr) -> bool {
        self.integrators
            .iter()
            .any(|i| i.allowed_ips.iter().any(|net| net.contains(&ip)))
    }

    /// Admits a bind request from `ip`, or says why not.
    pub fn admit(&self, ip: IpAddr, bind_type: BindType, pdu: &Pdu) -> Result<Admission, Refusal> {
        let bind = match pdu {
            Pdu::BindTransmitter(_, b) | Pdu::BindReceiver(_, b) | Pdu::BindTransceiver(_, b) => b,
            _ => return Err(Refusal::NotABind),
        };
        let system_id = String::from_utf8_lossy(bind.system_id.as_bytes());
        let integrator = self
            .integrators
            .iter()
            .find(|i| i.system_id == system_id)
            .ok_or(Refusal::UnknownSystemId)?;
        let name = integrator.system_id.clone();
        if integrator.password.as_bytes() != bind.password.as_bytes() {
            return Err(Refusal::WrongPassword(name));
        }
        if !integrator.allowed_ips.iter().any(|net| net.contains(&ip)) {
            return Err(Refusal::AddressNotAllowed(name));
        }
        if !integrator.bind_types.contains(&bind_type) {
            return Err(Refusal::BindTypeNotAllowed(name, bind_type));
        }
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        let count = live.entry(name.clone()).or_default();
        if *count >= integrator.max_binds {
            return Err(Refusal::TooManyBinds(name, integrator.max_binds));
        }
        *count += 1;
        let octet_limit = self
            .operators
            .get(&integrator.operator)
            .map_or(hotline_codecs::text::USSD_MAX_OCTETS, |o| o.octet_limit);
        let dialect = integrator
            .dialect
            .dialect()
            .with_overrides(integrator.end_op, integrator.abort_ops.as_deref());
        Ok(Admission {
            endpoint: Endpoint {
                operator: integrator.operator.as_str().into(),
                name: name.as_str().into(),
                dialect: Arc::new(dialect),
                octet_limit,
                rate: Some(integrator.rate),
            },
            live: self.live.clone(),
            system_id: name,
        })
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = live.get_mut(&self.system_id) {
            *count = count.saturating_sub(1);
        }
    }
}
