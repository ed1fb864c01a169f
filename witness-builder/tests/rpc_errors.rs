//! Retries, backoff and error mapping of `RpcClient` against tiny scripted HTTP servers on
//! 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use witness_builder::{RpcClient, RpcConfig, WitnessError};

/// What the scripted server answers to its `n`-th request (0-based) with JSON-RPC id `id`.
type Script = dyn Fn(usize, Value) -> (StatusCode, String) + Send + Sync;

/// Serves `script` on an ephemeral port of 127.0.0.1; returns the URL and the request counter.
/// The server task ends with the test's runtime.
async fn scripted_server(script: Arc<Script>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let script = script.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let script = script.clone();
                    let counter = counter.clone();
                    async move {
                        let body = req.into_body().collect().await?.to_bytes();
                        let id = serde_json::from_slice::<Value>(&body)
                            .map(|v| v["id"].clone())
                            .unwrap_or(Value::Null);
                        let n = counter.fetch_add(1, Ordering::SeqCst);
                        let (status, text) = script(n, id);
                        let mut resp = Response::new(Full::new(Bytes::from(text)));
                        *resp.status_mut() = status;
                        Ok::<_, hyper::Error>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn fast_config(max_retries: u32) -> RpcConfig {
    RpcConfig {
        max_retries,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        max_concurrency: 4,
    }
}

fn ok(id: Value, result: Value) -> (StatusCode, String) {
    (StatusCode::OK, json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string())
}

fn rpc_error(id: Value, code: i64, message: &str) -> (StatusCode, String) {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    (StatusCode::OK, body.to_string())
}

/// Two 503s, then an answer: the client retries with backoff and returns the answer.
#[tokio::test]
async fn retries_503_with_backoff_then_succeeds() {
    let (url, count) = scripted_server(Arc::new(|n, id| {
        if n < 2 {
            (StatusCode::SERVICE_UNAVAILABLE, "upstream busy".into())
        } else {
            ok(id, json!("0x12a05f200"))
        }
    }))
    .await;
    let client = RpcClient::with_config(url, fast_config(3)).unwrap();
    let start = Instant::now();
    let n = client.block_number().await.unwrap();
    assert_eq!(n, 5_000_000_000);
    assert_eq!(count.load(Ordering::SeqCst), 3);
    // Backoff slept 20 ms then 40 ms.
    assert!(start.elapsed() >= Duration::from_millis(60), "{:?}", start.elapsed());
}

/// A server that never recovers: the last HTTP status is reported after all attempts.
#[tokio::test]
async fn gives_up_after_max_retries() {
    let (url, count) =
        scripted_server(Arc::new(|_, _| (StatusCode::TOO_MANY_REQUESTS, "slow down".into()))).await;
    let client = RpcClient::with_config(url, fast_config(2)).unwrap();
    match client.chain_id().await {
        Err(WitnessError::HttpStatus { status: 429, attempts: 3, body, .. }) => {
            assert_eq!(body, "slow down")
        }
        other => panic!("expected HttpStatus, got {other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

/// A transient JSON-RPC error (-32005, limit exceeded) is retried too.
#[tokio::test]
async fn retries_transient_json_rpc_errors() {
    let (url, count) = scripted_server(Arc::new(|n, id| {
        if n == 0 { rpc_error(id, -32005, "limit exceeded") } else { ok(id, json!("0x1")) }
    }))
    .await;
    let client = RpcClient::with_config(url, fast_config(3)).unwrap();
    assert_eq!(client.chain_id().await.unwrap(), 1);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

/// "missing trie node" means a pruned node: NodeLacksHistory with the block, no retry.
#[tokio::test]
async fn missing_trie_node_is_node_lacks_history() {
    let (url, count) = scripted_server(Arc::new(|_, id| {
        rpc_error(
            id,
            -32000,
            "missing trie node 7a3e4f11c0a8c2e9 (path ) state 0x7a3e is not available",
        )
    }))
    .await;
    let client = RpcClient::with_config(url, fast_config(3)).unwrap();
    let err = client
        .get_proof("0x0000000000000000000000000000000000000001".parse().unwrap(), &[], 1_150_000)
        .await
        .unwrap_err();
    match err {
        WitnessError::NodeLacksHistory { method, block, message } => {
            assert_eq!(method, "eth_getProof");
            assert_eq!(block, Some(1_150_000));
            assert!(message.contains("missing trie node"));
        }
        other => panic!("expected NodeLacksHistory, got {other:?}"),
    }
    assert_eq!(count.load(Ordering::SeqCst), 1, "history errors are not retried");
}

/// Some providers send JSON-RPC errors with HTTP 500; the body decides, not the status.
#[tokio::test]
async fn json_rpc_error_in_http_500_body() {
    let (url, count) = scripted_server(Arc::new(|_, id| {
        let (_, body) = rpc_error(id, -32000, "header not found");
        (StatusCode::INTERNAL_SERVER_ERROR, body)
    }))
    .await;
    let client = RpcClient::with_config(url, fast_config(3)).unwrap();
    let err = client.get_block_by_number(12, false).await.unwrap_err();
    assert!(matches!(err, WitnessError::NodeLacksHistory { block: Some(12), .. }), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

/// Bad answers are typed errors: wrong shapes, non-JSON bodies, `null` blocks, -32601.
#[tokio::test]
async fn bad_answers_are_typed_errors() {
    let (url, _) = scripted_server(Arc::new(|_, id| match id.as_u64().unwrap_or(0) {
        1 => ok(id, json!({"not": "a quantity"})),
        2 => (StatusCode::OK, "<html>hello</html>".into()),
        3 => ok(id, Value::Null),
        4 => rpc_error(id, -32601, "the method debug_executionWitness does not exist"),
        _ => (StatusCode::NOT_FOUND, "no".into()),
    }))
    .await;
    let client = RpcClient::with_config(url, fast_config(0)).unwrap();
    let err = client.chain_id().await.unwrap_err();
    assert!(
        matches!(err, WitnessError::Decode { ref method, .. } if method == "eth_chainId"),
        "{err}"
    );
    let err = client.block_number().await.unwrap_err();
    assert!(matches!(err, WitnessError::Decode { .. }), "{err}");
    let err = client.get_block_by_number(99, true).await.unwrap_err();
    assert!(matches!(err, WitnessError::BlockNotFound { block: 99 }), "{err}");
    let err = client.debug_execution_witness(5).await.unwrap_err();
    assert!(matches!(err, WitnessError::Unsupported { .. }), "{err}");
    let err = client.chain_id().await.unwrap_err();
    assert!(matches!(err, WitnessError::HttpStatus { status: 404, attempts: 1, .. }), "{err}");
}

/// Nothing listening: transport errors, retried, then reported with the attempt count.
#[tokio::test]
async fn connection_refused_is_transport_error() {
    // Bind then drop, so that the port is (almost certainly) closed.
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let client =
        RpcClient::with_config(format!("http://127.0.0.1:{port}"), fast_config(2)).unwrap();
    let err = client.chain_id().await.unwrap_err();
    assert!(matches!(err, WitnessError::Transport { attempts: 3, .. }), "{err}");
}

/// A server slower than the request timeout: each attempt times out.
#[tokio::test]
async fn request_timeout_is_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts and never answers.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let config = RpcConfig { request_timeout: Duration::from_millis(200), ..fast_config(1) };
    let client = RpcClient::with_config(format!("http://{addr}"), config).unwrap();
    let start = Instant::now();
    let err = client.chain_id().await.unwrap_err();
    assert!(matches!(err, WitnessError::Transport { attempts: 2, .. }), "{err}");
    assert!(start.elapsed() >= Duration::from_millis(400));
    silent.abort();
}

/// The concurrency limit holds: with a limit of 2, a slow server never sees 3 at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_holds() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (f, p) = (in_flight.clone(), peak.clone());
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (f, p) = (f.clone(), p.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let (f, p) = (f.clone(), p.clone());
                    async move {
                        let body = req.into_body().collect().await?.to_bytes();
                        let id = serde_json::from_slice::<Value>(&body).unwrap()["id"].clone();
                        let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                        p.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(30)).await;
                        f.fetch_sub(1, Ordering::SeqCst);
                        let (_, text) = ok(id, json!("0x1"));
                        Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from(text))))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let config = RpcConfig { max_concurrency: 2, ..fast_config(0) };
    let client = RpcClient::with_config(format!("http://{addr}"), config).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let c = client.clone();
        tasks.spawn(async move { c.chain_id().await });
    }
    while let Some(r) = tasks.join_next().await {
        assert_eq!(r.unwrap().unwrap(), 1);
    }
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    server.abort();
}
