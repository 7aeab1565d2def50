//! Local stand-ins for two providers on 127.0.0.1, answering in the shapes of their public API
//! references: an OpenAI-shaped `POST /v1/chat/completions` (Bearer key) and an
//! Anthropic-shaped `POST /v1/messages` (`x-api-key` plus `anthropic-version`). Each serves a
//! scripted list of statuses, one request each, then its thread ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The reply of the OpenAI-shaped server.
pub const OPENAI_REPLY: &str = "Hello from the local OpenAI-shaped server.";
/// The reply of the Anthropic-shaped server.
pub const ANTHROPIC_REPLY: &str = "Hello from the local Anthropic-shaped server.";

/// Which provider's API a server imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Chat Completions: `/v1/chat/completions`, `Authorization: Bearer KEY`.
    OpenAi,
    /// Messages: `/v1/messages`, `x-api-key: KEY`, `anthropic-version`.
    Anthropic,
}

/// What the server saw of one request. Holds whether the key matched, never the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The request path.
    pub path: String,
    /// Whether the key arrived in the shape's header (and Anthropic's version header too).
    pub authorized: bool,
    /// The `model` of the JSON body.
    pub model: String,
    /// The status it answered.
    pub status: u16,
}

/// A running server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server of `shape` on a free loopback port that accepts `key` and answers one
    /// request per entry of `statuses` (200: an answer; else an error body of that status).
    pub fn start(shape: Shape, key: &str, statuses: Vec<u16>) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let key = key.to_string();
        let thread = std::thread::spawn(move || {
            let mut statuses = statuses.into_iter();
            for stream in listener.incoming().flatten() {
                let Some(status) = statuses.next() else { break };
                if let Some(s) = serve(stream, shape, &key, status)
                    && let Ok(mut log) = log.lock()
                {
                    log.push(s);
                }
                if statuses.len() == 0 {
                    break;
                }
            }
        });
        Ok(MockServer {
            addr,
            seen,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL, as `https://api.openai.com/v1` and
    /// `https://api.anthropic.com/v1` are.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// What the server saw so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits for the scripted requests and returns what the server saw.
    pub fn finish(mut self) -> Vec<Seen> {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.seen()
    }
}

/// The request line's path, the headers (lowercased names) and the body.
struct Incoming {
    path: String,
    headers: Vec<(String, String)>,
    body: serde_json::Value,
}

impl Incoming {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Incoming> {
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let path = request_line.split_whitespace().nth(1)?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0usize);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    Some(Incoming {
        path,
        headers,
        body,
    })
}

fn serve(stream: TcpStream, shape: Shape, key: &str, status: u16) -> Option<Seen> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let incoming = read_request(&mut reader)?;
    let authorized = match shape {
        Shape::OpenAi => incoming.header("authorization") == Some(&format!("Bearer {key}")),
        Shape::Anthropic => {
            incoming.header("x-api-key") == Some(key)
                && incoming.header("anthropic-version").is_some()
        }
    };
    let status = if authorized { status } else { 401 };
    let model = incoming.body["model"].as_str().unwrap_or("").to_string();
    let body = match status {
        200 => answer(shape, &model, prompt_words(&incoming.body)),
        _ => error(shape, status),
    };
    let mut stream = reader.into_inner();
    let text = body.to_string();
    let response = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        reason(status),
        text.len()
    );
    stream.write_all(response.as_bytes()).ok()?;
    Some(Seen {
        path: incoming.path,
        authorized,
        model,
        status,
    })
}

/// A stand-in for a token count: the words of the messages' contents.
fn prompt_words(body: &serde_json::Value) -> u64 {
    let messages = body["messages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let words = messages
        .iter()
        .filter_map(|m| m["content"].as_str())
        .map(|c| c.split_whitespace().count())
        .sum::<usize>();
    u64::try_from(words).unwrap_or(u64::MAX)
}

fn words(text: &str) -> u64 {
    u64::try_from(text.split_whitespace().count()).unwrap_or(u64::MAX)
}

fn answer(shape: Shape, model: &str, prompt: u64) -> serde_json::Value {
    match shape {
        Shape::OpenAi => serde_json::json!({
            "id": "chatcmpl-local-1",
            "object": "chat.completion",
            "created": 1_750_000_000,
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": OPENAI_REPLY, "refusal": null},
                "logprobs": null,
                "finish_reason": "stop"
            }],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": words(OPENAI_REPLY),
                "total_tokens": prompt + words(OPENAI_REPLY)
            }
        }),
        Shape::Anthropic => serde_json::json!({
            "id": "msg_local_1",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": ANTHROPIC_REPLY}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": prompt, "output_tokens": words(ANTHROPIC_REPLY)}
        }),
    }
}

fn error(shape: Shape, status: u16) -> serde_json::Value {
    let (kind, message) = match status {
        401 => ("authentication_error", "invalid or missing key"),
        429 => ("rate_limit_error", "rate limited"),
        503 | 529 => ("overloaded_error", "overloaded"),
        _ => ("api_error", "failed"),
    };
    match shape {
        Shape::OpenAi => serde_json::json!({
            "error": {"message": message, "type": kind, "param": null, "code": null}
        }),
        Shape::Anthropic => serde_json::json!({
            "type": "error", "error": {"type": kind, "message": message}
        }),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    }
}
