//! The seed's manifests as the Docker tests and benchmarks run them: the
//! demo images with `imagePullPolicy: IfNotPresent` (there is no
//! registry) and short grace periods.

/// The seed pod's grace period, in seconds.
pub const SEED_POD_GRACE: u32 = 3;
/// The seed Deployment's replicas.
pub const REPLICAS: usize = 3;
/// The seed Deployment's pods' grace period, in seconds.
pub const DEPLOYMENT_GRACE: u32 = 2;

/// The seed's two-container pod: nginx proxying to echo over localhost.
pub const SEED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: simple-echo
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: nginx
    image: gihyodocker/nginx:latest
    imagePullPolicy: IfNotPresent
    env:
    - name: BACKEND_HOST
      value: localhost:8080
    ports:
    - containerPort: 80
  - name: echo
    image: gihyodocker/echo:latest
    imagePullPolicy: IfNotPresent
    ports:
    - containerPort: 8080
";

/// The seed's Deployment; `message` is echo's `MESSAGE`, which a rollout changes.
pub fn seed_deployment(message: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  labels:
    app: echo
spec:
  replicas: {REPLICAS}
  selector:
    matchLabels:
      app: echo
  template:
    metadata:
      labels:
        app: echo
    spec:
      terminationGracePeriodSeconds: {DEPLOYMENT_GRACE}
      containers:
      - name: nginx
        image: gihyodocker/nginx:latest
        imagePullPolicy: IfNotPresent
        env:
        - name: BACKEND_HOST
          value: localhost:8080
        ports:
        - containerPort: 80
      - name: echo
        image: gihyodocker/echo:latest
        imagePullPolicy: IfNotPresent
        env:
        - name: MESSAGE
          value: {message}
        ports:
        - containerPort: 8080
"
    )
}
