//! A local OpenAI-compatible mock server on 127.0.0.1: checks the bearer token and answers with a
//! canned completion. It serves a fixed number of requests, then its thread ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The reply the mock gives to an authorized request.
pub const CANNED_REPLY: &str = "Hello from the local mock server.";

/// What the mock saw of one request. Holds whether the token matched, never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The request path.
    pub path: String,
    /// Whether `Authorization: Bearer <expected>` was present.
    pub authorized: bool,
    /// The `model` of the JSON body.
    pub model: String,
}

/// A running mock server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server on a free loopback port that accepts `expected_token` and serves
    /// `requests` requests.
    pub fn start(expected_token: &str, requests: usize) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let expected = format!("Bearer {expected_token}");
        let log = Arc::clone(&seen);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming().take(requests).flatten() {
                if let Some(s) = serve(stream, &expected)
                    && let Ok(mut log) = log.lock()
                {
                    log.push(s);
                }
            }
        });
        Ok(MockServer {
            addr,
            seen,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/v1`, to use as a base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Waits for the served requests and returns what the server saw.
    pub fn finish(mut self) -> Vec<Seen> {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn serve(stream: TcpStream, expected: &str) -> Option<Seen> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    let (mut length, mut authorized) = (0usize, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorized = value.trim() == expected,
                _ => {}
            }
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    let model = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["model"].as_str().map(str::to_string))
        .unwrap_or_default();
    let (status, reply) = if authorized {
        let completion = serde_json::json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "model": model,
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": CANNED_REPLY }, "finish_reason": "stop" }],
        });
        ("200 OK", completion.to_string())
    } else {
        (
            "401 Unauthorized",
            r#"{"error":{"message":"missing or wrong bearer token"}}"#.to_string(),
        )
    };
    let mut stream = reader.into_inner();
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    stream.write_all(response.as_bytes()).ok()?;
    Some(Seen {
        path,
        authorized,
        model,
    })
}
