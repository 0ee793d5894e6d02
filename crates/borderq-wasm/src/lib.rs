//! borderq's engine behind a plain C ABI, for a WebAssembly host (a browser page, Node) that needs
//! no generated glue: the host copies a UTF-8 JSON request into memory it got from
//! [`borderq_alloc`], calls [`borderq_run`], and reads the response it points to.
//!
//! The request: `{"scenario": NAME | null, "toml": TEXT | null, "set": ["PATH=VALUE", …],
//! "seed": N | null, "replications": N | null}`. A bundled `scenario` name or scenario `toml` text.
//!
//! The response, at the returned pointer: a little-endian `u32` length `n`, then `n` bytes: a status
//! byte (0 success, 2 bad input, 1 any other failure) and UTF-8 text: on success `summary.json`
//! exactly as `borderq run --json` prints it, otherwise the message the command line prints after
//! `error: `. The host frees it with [`borderq_free`]`(ptr, n + 4)`.

use serde::Deserialize;

/// A run request, as the host sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// A bundled scenario's name.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Scenario text (used instead of `scenario` when given).
    #[serde(default)]
    pub toml: Option<String>,
    /// `PATH=VALUE` overrides, applied in order.
    #[serde(default)]
    pub set: Vec<String>,
    /// The master seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The number of replications.
    #[serde(default)]
    pub replications: Option<u32>,
}

/// Runs a request serially and returns (status, text): 0 and `summary.json`, or 2 (bad input) or 1
/// (anything else) and the message.
pub fn run_request(json: &[u8]) -> (u8, String) {
    let req: Request = match serde_json::from_slice(json) {
        Ok(r) => r,
        Err(e) => return (2, format!("request: {e}")),
    };
    let builder = match (&req.toml, &req.scenario) {
        (Some(text), _) => borderq::Experiment::from_text("<page>", text.clone()),
        (None, Some(name)) => borderq::Experiment::builder(name.clone()),
        (None, None) => borderq::Experiment::builder(borderq::scenario::DEFAULT_SCENARIO),
    };
    let mut builder = builder.sets(req.set);
    if let Some(seed) = req.seed {
        builder = builder.seed(seed);
    }
    if let Some(n) = req.replications {
        builder = builder.replications(n);
    }
    let result = builder.build().and_then(|e| e.run(&borderq::RunControl::serial()));
    match result {
        Ok(r) => (0, String::from_utf8_lossy(&r.summary_json()).into_owned()),
        Err(e @ (borderq::Error::Scenario(_) | borderq::Error::Input(_) | borderq::Error::TooLarge(_))) => {
            (2, e.to_string())
        }
        Err(e) => (1, e.to_string()),
    }
}

/// Allocates `len` bytes for the host to write a request into.
#[unsafe(no_mangle)]
pub extern "C" fn borderq_alloc(len: usize) -> *mut u8 {
    leak(vec![0; len])
}

/// Hands a buffer of exactly `bytes.len()` bytes to the host (a boxed slice: its allocation is its
/// length, which is what [`borderq_free`] is given back).
fn leak(bytes: Vec<u8>) -> *mut u8 {
    Box::into_raw(bytes.into_boxed_slice()).cast::<u8>()
}

/// Frees `len` bytes at `ptr`, from [`borderq_alloc`] or a response of [`borderq_run`].
///
/// # Safety
/// `ptr` and `len` must be exactly what one of those calls gave, and freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn borderq_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller passes a boxed slice of `len` bytes that `leak` handed out.
    unsafe { drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len))) }
}

/// Runs the JSON request of `len` bytes at `ptr` and returns the response (see the module docs).
///
/// # Safety
/// `ptr` must point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn borderq_run(ptr: *const u8, len: usize) -> *mut u8 {
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    let request = unsafe { std::slice::from_raw_parts(ptr, len) };
    let (status, text) = run_request(request);
    let n = (1 + text.len()) as u32;
    let mut out = Vec::with_capacity(4 + n as usize);
    out.extend_from_slice(&n.to_le_bytes());
    out.push(status);
    out.extend_from_slice(text.as_bytes());
    leak(out)
}
