//! The participant's page and everything it loads, embedded in the binary: no route
//! serves a file from disk, and the page needs nothing from elsewhere.
//!
//! The page names each asset with its content's digest (`/assets/xterm.js?v=1a2b3c4d5e6f`),
//! so a browser may keep it for good and a new mvx is never served an old copy; each is
//! gzipped once, the first time it is asked for, and sent compressed to every browser
//! that takes gzip (xterm.js: 488 KB, 120 KB gzipped).

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::LazyLock;

/// The page as written, its assets named without their digests.
const PAGE_SOURCE: &str = include_str!("../../assets/serve/page.html");

/// The files under `/assets/`.
const NAMES: [&str; 5] = ["xterm.js", "addon-fit.js", "xterm.css", "mvx.js", "mvx.css"];

/// An asset as served: its type, bytes, their gzip and their digest.
pub struct Asset {
    pub kind: &'static str,
    pub bytes: &'static [u8],
    pub gzipped: Vec<u8>,
    /// The first 12 hex digits of the bytes' SHA-256.
    pub digest: String,
}

static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    (NAMES.iter())
        .filter_map(|name| {
            let (kind, bytes) = asset(name)?;
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let gzipped = gzip.write_all(bytes).and_then(|()| gzip.finish()).ok()?;
            let digest = crate::flow::open::sha256_hex(bytes)[..12].to_owned();
            Some((
                *name,
                Asset {
                    kind,
                    bytes,
                    gzipped,
                    digest,
                },
            ))
        })
        .collect()
});

/// The page every invitation link opens (the script reads the code from the address),
/// its assets named with their digests.
pub static PAGE: LazyLock<String> = LazyLock::new(|| {
    let mut page = PAGE_SOURCE.to_owned();
    for name in NAMES {
        if let Some(asset) = served(name) {
            let plain = format!("\"/assets/{name}\"");
            page = page.replace(&plain, &format!("\"/assets/{name}?v={}\"", asset.digest));
        }
    }
    page
});

/// The asset called `name`, ready to send.
pub fn served(name: &str) -> Option<&'static Asset> {
    ASSETS.get(name)
}

/// The embedded file called `name` under `/assets/`, with its content type.
pub fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    const JS: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";
    Some(match name {
        "xterm.js" => (JS, include_bytes!("../../assets/xterm/xterm.js").as_slice()),
        "addon-fit.js" => (
            JS,
            include_bytes!("../../assets/xterm/addon-fit.js").as_slice(),
        ),
        "xterm.css" => (
            CSS,
            include_bytes!("../../assets/xterm/xterm.css").as_slice(),
        ),
        "mvx.js" => (JS, include_bytes!("../../assets/serve/mvx.js").as_slice()),
        "mvx.css" => (CSS, include_bytes!("../../assets/serve/mvx.css").as_slice()),
        _ => return None,
    })
}
