//! A container's files as its shell sees them: the image's usual tree, the
//! files the kubelet writes (`/etc/hosts`, `/etc/resolv.conf`, the service
//! account token), the image's own configuration (nginx's), and whatever
//! the container's processes and shells created.

use std::collections::BTreeSet;

use super::ContainerShell;
use crate::images::Program;
use crate::network::dns;
use crate::Cluster;

/// Directories every image has at its root.
const ROOT: &[&str] = &[
    "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin",
    "srv", "sys", "tmp", "usr", "var",
];

const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// A file's text, or None when there is no such file.
pub fn read(cluster: &Cluster, shell: &ContainerShell, path: &str) -> Option<String> {
    if let Some(text) = written(cluster, shell, path) {
        return Some(text);
    }
    let target = &shell.target;
    let pod_ip = pod_ip(cluster, shell);
    let text = match path {
        "/etc/hosts" => hosts(&pod_ip, &target.pod),
        "/etc/resolv.conf" => {
            dns::resolv_conf(&target.namespace, cluster.api().service_cidr().dns_ip())
        }
        "/etc/hostname" => format!("{}\n", target.pod),
        "/etc/os-release" => os_release(shell),
        p if p == format!("{SERVICE_ACCOUNT_DIR}/namespace") => target.namespace.clone(),
        p if p == format!("{SERVICE_ACCOUNT_DIR}/ca.crt") => {
            "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIU3VuYWJhQ0EwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n-----END CERTIFICATE-----\n".into()
        }
        p if p == format!("{SERVICE_ACCOUNT_DIR}/token") => {
            "eyJhbGciOiJSUzI1NiIsImtpZCI6InN1bmFiYSJ9.eyJpc3MiOiJodHRwczovL2t1YmVybmV0ZXMuZGVmYXVsdC5zdmMuY2x1c3Rlci5sb2NhbCJ9.c3VuYWJh".into()
        }
        _ => return image_file(shell, path),
    };
    Some(text)
}

/// The entries of a directory, or None when it is not one.
pub fn list(cluster: &Cluster, shell: &ContainerShell, dir: &str) -> Option<Vec<String>> {
    let dir = dir.trim_end_matches('/');
    let mut entries: BTreeSet<String> = BTreeSet::new();
    let mut known = false;
    if dir.is_empty() {
        entries.extend(ROOT.iter().map(|s| s.to_string()));
        known = true;
    }
    let prefix = format!("{dir}/");
    for path in all_paths(cluster, shell) {
        if let Some(rest) = path.strip_prefix(&prefix) {
            known = true;
            if let Some(first) = rest.split('/').next().filter(|f| !f.is_empty()) {
                entries.insert(first.to_string());
            }
        }
    }
    if ROOT.iter().any(|r| format!("/{r}") == dir) {
        known = true;
    }
    known.then(|| entries.into_iter().collect())
}

/// Whether a path is a directory.
pub fn is_dir(cluster: &Cluster, shell: &ContainerShell, path: &str) -> bool {
    path == "/" || list(cluster, shell, path).is_some()
}

/// Writes (or appends to) a file the shell created.
pub fn write(cluster: &mut Cluster, shell: &ContainerShell, path: &str, text: &str, append: bool) {
    let target = &shell.target;
    if let Some(container) =
        cluster.container_mut(&target.namespace, &target.pod, &target.container)
    {
        let entry = container.written.entry(path.to_string()).or_default();
        if !append {
            entry.clear();
        }
        entry.push_str(text);
        container.files.insert(path.to_string());
    }
}

/// Removes a file the shell or the process created; false when there was none.
pub fn remove(cluster: &mut Cluster, shell: &ContainerShell, path: &str) -> bool {
    let target = &shell.target;
    cluster
        .container_mut(&target.namespace, &target.pod, &target.container)
        .is_some_and(|c| {
            let had = c.files.remove(path);
            c.written.remove(path).is_some() || had
        })
}

fn written(cluster: &Cluster, shell: &ContainerShell, path: &str) -> Option<String> {
    let target = &shell.target;
    let container =
        cluster
            .kubelets()
            .sim_container(&target.namespace, &target.pod, &target.container)?;
    container.written.get(path).cloned().or_else(|| {
        // Files the main process touched exist, empty.
        container.files.contains(path).then(String::new)
    })
}

/// Every file path the container has (directories are implied by them).
fn all_paths(cluster: &Cluster, shell: &ContainerShell) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/hostname",
        "/etc/os-release",
        "/etc/passwd",
        "/etc/group",
        "/root/.profile",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for name in ["ca.crt", "namespace", "token"] {
        paths.push(format!("{SERVICE_ACCOUNT_DIR}/{name}"));
    }
    for tool in shell.image().tools {
        paths.push(format!("/bin/{tool}"));
    }
    paths.extend(image_paths(shell).into_iter().map(str::to_string));
    let target = &shell.target;
    if let Some(container) =
        cluster
            .kubelets()
            .sim_container(&target.namespace, &target.pod, &target.container)
    {
        paths.extend(container.files.iter().cloned());
        paths.extend(container.written.keys().cloned());
    }
    paths
}

/// The files an image ships beyond the usual tree.
fn image_paths(shell: &ContainerShell) -> Vec<&'static str> {
    match shell.image().program {
        Program::Nginx | Program::NginxProxy => vec![
            "/etc/nginx/nginx.conf",
            "/etc/nginx/conf.d/default.conf",
            "/usr/share/nginx/html/index.html",
            "/usr/share/nginx/html/50x.html",
            "/docker-entrypoint.sh",
        ],
        Program::EchoServer => vec!["/echo/main.go", "/usr/local/bin/echo-server"],
        _ => Vec::new(),
    }
}

fn image_file(shell: &ContainerShell, path: &str) -> Option<String> {
    let program = shell.image().program;
    let backend = shell.env().get("BACKEND_HOST").cloned().unwrap_or_default();
    let text = match (program, path) {
        (_, "/etc/passwd") => "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n".into(),
        (_, "/etc/group") => "root:x:0:\nnogroup:x:65534:\n".into(),
        (_, "/root/.profile") => String::new(),
        (Program::Nginx | Program::NginxProxy, "/etc/nginx/nginx.conf") => NGINX_CONF.into(),
        (Program::NginxProxy, "/etc/nginx/conf.d/default.conf") => {
            format!("server {{\n    listen 80;\n    server_name _;\n\n    location / {{\n        proxy_pass http://{backend};\n    }}\n}}\n")
        }
        (Program::Nginx, "/etc/nginx/conf.d/default.conf") => NGINX_DEFAULT_SITE.into(),
        (Program::Nginx | Program::NginxProxy, "/usr/share/nginx/html/index.html") => {
            crate::images::programs::NGINX_WELCOME.into()
        }
        (Program::Nginx | Program::NginxProxy, "/usr/share/nginx/html/50x.html") => {
            "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n".into()
        }
        (_, p) if p.starts_with("/bin/") => {
            let name = &p[5..];
            if shell.image().tools.contains(&name) {
                "\u{7f}ELF".into()
            } else {
                return None;
            }
        }
        (_, p) if image_paths(shell).contains(&p) => String::new(),
        _ => return None,
    };
    Some(text)
}

fn pod_ip(cluster: &Cluster, shell: &ContainerShell) -> String {
    let target = &shell.target;
    cluster
        .kubelets()
        .worker(&target.namespace, &target.pod)
        .and_then(|w| w.ip)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// The kubelet-managed `/etc/hosts`.
fn hosts(pod_ip: &str, hostname: &str) -> String {
    format!(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{pod_ip}\t{hostname}\n"
    )
}

fn os_release(shell: &ContainerShell) -> String {
    match shell.flavor {
        super::Flavor::Ash => "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME=\"Alpine Linux v3.21\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n".into(),
        _ => "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n".into(),
    }
}

const NGINX_CONF: &str = "\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\n\nevents {\n    worker_connections  1024;\n}\n\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '\n                      '$status $body_bytes_sent \"$http_referer\" '\n                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n\n    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n    keepalive_timeout  65;\n\n    #gzip  on;\n\n    include /etc/nginx/conf.d/*.conf;\n}\n";

const NGINX_DEFAULT_SITE: &str = "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n";
