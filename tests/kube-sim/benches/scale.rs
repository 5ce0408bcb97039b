//! kube-sim at scale, measured (not asserted): objects held and the memory
//! they take, a list of 10 000 objects against a list of 100 as baseline,
//! and 100 concurrent watches fed without loss. Run with
//! `cargo bench -p kube-sim --bench scale`.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube_sim::{Config, KubeSim, lifecycle};
use serde_json::json;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn seed(sim: &KubeSim, namespace: &str, count: usize) {
    let mut state = sim.sim().state();
    let namespaces = state.registry.get("", "v1", "namespaces").cloned().unwrap();
    if state.get(&namespaces, "", namespace).is_none() {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}});
        let ns = lifecycle::prepare_create(&state, &namespaces, "", ns).unwrap();
        lifecycle::commit_create(&mut state, &namespaces, ns);
    }
    let rt = state.registry.get("", "v1", "configmaps").cloned().unwrap();
    for i in 0..count {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("cm-{i:06}"), "labels": {"app": "bench"}},
            "data": {"key": "a value of some thirty bytes..."}});
        let cm = lifecycle::prepare_create(&state, &rt, namespace, cm).unwrap();
        lifecycle::commit_create(&mut state, &rt, cm);
    }
}

async fn client(sim: &KubeSim) -> kube::Client {
    let kc = Kubeconfig::from_yaml(&sim.kubeconfig()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

async fn median_list(api: &Api<ConfigMap>, runs: usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let start = Instant::now();
        n = api.list(&ListParams::default()).await.unwrap().items.len();
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], n)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let sim = KubeSim::start(Config::default()).await.unwrap();
    let client = client(&sim).await;

    // 1. Objects held.
    let before = rss_bytes();
    let start = Instant::now();
    for n in 0..10 {
        seed(&sim, &format!("bulk-{n}"), 10_000);
    }
    let seeded = start.elapsed();
    let after = rss_bytes();
    println!(
        "held: 100000 ConfigMaps in {:.2} s, RSS +{} MiB ({} bytes/object)",
        seeded.as_secs_f64(),
        (after.saturating_sub(before)) / (1 << 20),
        after.saturating_sub(before) / 100_000
    );

    // 2. A list of 10 000 against a list of 100, same process.
    seed(&sim, "small", 100);
    let small: Api<ConfigMap> = Api::namespaced(client.clone(), "small");
    let large: Api<ConfigMap> = Api::namespaced(client.clone(), "bulk-0");
    let (t_small, n_small) = median_list(&small, 9).await;
    let (t_large, n_large) = median_list(&large, 5).await;
    println!(
        "list: {n_large} objects in {:.1} ms (median), {n_small} objects in {:.2} ms; ratio {:.1}x for {}x the objects ({:.1} µs/object)",
        t_large.as_secs_f64() * 1e3,
        t_small.as_secs_f64() * 1e3,
        t_large.as_secs_f64() / t_small.as_secs_f64(),
        n_large / n_small.max(1),
        t_large.as_secs_f64() * 1e6 / n_large as f64
    );

    // 3. 100 concurrent watches, 1 000 changes: every watch must see every one.
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let rv = api
        .list(&ListParams::default().limit(1))
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let events = 1_000usize;
    let mut watchers = Vec::new();
    for _ in 0..100 {
        let api = api.clone();
        let rv = rv.clone();
        watchers.push(tokio::spawn(async move {
            let mut stream = api
                .watch(&WatchParams::default().timeout(120), &rv)
                .await
                .unwrap()
                .boxed();
            let mut seen = 0usize;
            while seen < events {
                match stream.next().await {
                    Some(Ok(WatchEvent::Added(_))) => seen += 1,
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                }
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    for i in 0..events {
        let cm: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": format!("w-{i:05}")}})).unwrap();
        api.create(&PostParams::default(), &cm).await.unwrap();
    }
    let created = start.elapsed();
    let mut total = 0usize;
    for w in watchers {
        total += w.await.unwrap();
    }
    let delivered = start.elapsed();
    println!(
        "watch: 100 watches × {events} creates: {total}/{} events delivered ({} lost); creates took {:.2} s, all delivered after {:.2} s",
        100 * events,
        100 * events - total,
        created.as_secs_f64(),
        delivered.as_secs_f64()
    );
    sim.stop().await.unwrap();
}
