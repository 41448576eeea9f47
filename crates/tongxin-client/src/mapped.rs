//! Any REST backend over HTTP, described by a declarative [`Mapping`]
//! (`tongxin_core::mapping`, documented in `docs/backends.md`): the
//! mapping is the [`Routes`] of an [`HttpTransport`]. Only pages that name a
//! mapping load this code; the reference server has routes of its own.

use std::rc::Rc;

use serde_json::Value;
use tongxin_core::contract::live::Topic;
use tongxin_core::mapping::{Failure, HttpRequest, Mapping, Op, Vars};

use crate::http_transport::{HttpOptions, HttpTransport, Routes};

/// HTTP through a mapping.
pub type MappedTransport = HttpTransport<Rc<Mapping>>;

impl Routes for Rc<Mapping> {
    fn has(&self, op: Op) -> bool {
        Mapping::has(self, op)
    }
    fn base(&self) -> Option<&str> {
        self.as_ref().base.as_deref()
    }

    fn events(&self, topic: Topic, base: &str, vars: &Vars) -> Option<(String, bool)> {
        Some((self.events_url(topic, base, vars)?, false))
    }
    fn request(
        &self,
        op: Op,
        base: &str,
        vars: &Vars,
        body: Option<&Value>,
    ) -> Result<HttpRequest, String> {
        Mapping::request(self, op, base, vars, body)
    }
    fn read(
        &self,
        op: Op,
        vars: &Vars,
        status: u16,
        headers: &[(String, String)],
        text: &str,
    ) -> Result<Value, Failure> {
        Mapping::read(self, op, vars, status, headers, text)
    }
}

/// A transport for `mapping` with the widget's settings.
pub fn transport(mapping: Rc<Mapping>, opts: HttpOptions) -> MappedTransport {
    HttpTransport::new(mapping, opts)
}
