//! The participant's page and everything it loads, embedded in the binary: no route
//! serves a file from disk, and the page needs nothing from elsewhere.

/// The page every invitation link opens; the script reads the code from the address.
pub const PAGE: &str = include_str!("../../assets/serve/page.html");

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
