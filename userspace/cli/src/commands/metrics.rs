//! `vctx metrics [--listen [ADDR:]PORT] [PATH]`: the counters and limits
//! of every context of a subtree in the Prometheus text format, printed
//! (for node_exporter's textfile collector) or served on /metrics.

use std::net::{SocketAddr, TcpListener};

use vctx_lib::Device;

use crate::spec::paths::normalize;
use crate::view::metrics::{self, CONTENT_TYPE};
use crate::view::output;

/// Print the counters and limits of every context in the Prometheus text
/// format, or serve them on /metrics
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For node_exporter's textfile collector: vctx metrics > DIR/vctx.prom.tmp && mv ... DIR/vctx.prom
To be scraped: vctx metrics --listen 9187 (127.0.0.1 only; --listen 0.0.0.0:9187 binds every
address: put a firewall or a TLS proxy in front, the endpoint has no authentication).")]
pub struct Args {
    /// Serve the metrics over HTTP on /metrics at [ADDR:]PORT (ADDR
    /// defaults to 127.0.0.1) until interrupted
    #[arg(long, value_name = "[ADDR:]PORT", value_parser = parse_listen)]
    pub listen: Option<SocketAddr>,
    /// The root of the subtree to export
    #[arg(default_value = "/")]
    pub path: String,
}

pub fn run(path: &str, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let base = normalize(path);
    let Some(addr) = listen else {
        return Ok(output::text(&read(&base)?)?);
    };
    let listener = TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("--listen {addr}: {}", e.kind().to_string().to_lowercase()))?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| anyhow::anyhow!("--listen {addr}: {e}"))?;
    // The first read tells at once if the module is missing.
    read(&base)?;
    eprintln!("vctx: serving the metrics of {base} on http://{addr}/metrics");
    for request in server.incoming_requests() {
        let url = request.url().split('?').next().unwrap_or("");
        let response = match (request.method(), url) {
            (tiny_http::Method::Get | tiny_http::Method::Head, "/metrics") => match read(&base) {
                Ok(text) => response(200, CONTENT_TYPE, text),
                Err(err) => response(500, "text/plain", format!("vctx: {err:#}\n")),
            },
            (tiny_http::Method::Get | tiny_http::Method::Head, "/") => {
                response(200, "text/plain", "vctx metrics: see /metrics\n".to_owned())
            }
            (tiny_http::Method::Get | tiny_http::Method::Head, _) => {
                response(404, "text/plain", "not found: try /metrics\n".to_owned())
            }
            _ => response(405, "text/plain", "only GET and HEAD\n".to_owned()),
        };
        // A client that went away is not our error.
        let _ = request.respond(response);
    }
    Ok(())
}

/// The metrics now. The device is opened per reading, so a server holds
/// no reference to the module between requests.
fn read(base: &str) -> anyhow::Result<String> {
    let device = Device::open()?;
    let snap = device.snapshot(base)?;
    Ok(metrics::render(&snap, base))
}

fn response(
    status: u16,
    content_type: &str,
    body: String,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let header = tiny_http::Header::from_bytes("Content-Type", content_type)
        .expect("a constant, valid header");
    tiny_http::Response::from_string(body)
        .with_status_code(status)
        .with_header(header)
}

/// Parses `--listen`: `PORT` (on 127.0.0.1), `ADDR:PORT` or `[V6]:PORT`.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let s = text.trim();
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    s.parse::<SocketAddr>().map_err(|_| {
        format!(
            "'{s}': not PORT or ADDR:PORT (e.g. 9187, 127.0.0.1:9187, [::1]:9187, 0.0.0.0:9187)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen("9187").unwrap().to_string(), "127.0.0.1:9187");
        assert_eq!(
            parse_listen("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(
            parse_listen("[::1]:9187").unwrap().to_string(),
            "[::1]:9187"
        );
        for bad in [
            "",
            "localhost:9187",
            "1.2.3:80",
            "99999",
            "127.0.0.1",
            ":80",
        ] {
            let err = parse_listen(bad).unwrap_err();
            assert!(err.contains("not PORT or ADDR:PORT"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_port_in_use_is_one_line() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        let err = run("/", Some(addr)).unwrap_err().to_string();
        assert_eq!(err, format!("--listen {addr}: address in use"));
    }
}
