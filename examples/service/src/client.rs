//! A small HTTP/1.1 client for the tests and the bench: one keep-alive connection on hyper's
//! client API, requests sent one after another on it, as a browser tab or an API client does.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use crate::BoxError;

/// One keep-alive connection to the service.
#[derive(Debug)]
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
    host: String,
    driver: JoinHandle<()>,
}

/// A response, read whole.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Reply {
    /// The `WWW-Authenticate` header, if any.
    pub fn www_authenticate(&self) -> Option<&str> {
        self.headers
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (`null` if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Connection {
    /// Connects to `addr`.
    ///
    /// # Errors
    /// The connection or the HTTP handshake failed.
    pub async fn open(addr: SocketAddr) -> Result<Self, BoxError> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self {
            sender,
            host: addr.to_string(),
            driver,
        })
    }

    /// Sends `method path`, with a bearer token and a JSON body if given.
    ///
    /// # Errors
    /// The connection failed.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        json: Option<&serde_json::Value>,
    ) -> Result<Reply, BoxError> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, &self.host);
        if let Some(token) = bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match json {
            Some(json) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Bytes::from(serde_json::to_vec(json)?)
            }
            None => Bytes::new(),
        };
        self.request(request.body(Full::new(body))?).await
    }

    /// Sends a request built by the caller (for headers [`send`](Self::send) does not set).
    ///
    /// # Errors
    /// The connection failed.
    pub async fn request(&mut self, mut request: Request<Full<Bytes>>) -> Result<Reply, BoxError> {
        if !request.headers().contains_key(HOST) {
            request.headers_mut().insert(HOST, self.host.parse()?);
        }
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// Opens a connection, sends one request, and closes it.
///
/// # Errors
/// As [`Connection::send`].
pub async fn send_once(
    addr: SocketAddr,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    json: Option<&serde_json::Value>,
) -> Result<Reply, BoxError> {
    Connection::open(addr)
        .await?
        .send(method, path, bearer, json)
        .await
}
