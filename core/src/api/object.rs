//! [`Object`]: any stored object, as its `k8s-openapi` type.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use super::kinds::for_each_kind;
use super::Kind;

macro_rules! define_object {
    ($($variant:ident => $ty:path, [$($short:literal),*], $scope:ident, $behaviour:ident;)*) => {
        /// Any object the cluster stores.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $(
                #[doc = concat!("A `", stringify!($variant), "`, boxed: so that an `Object` is small to move and a small kind's object takes no more room than it needs.")]
                $variant(Box<$ty>),
            )*
        }

        impl Object {
            /// The object's kind.
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata),* }
            }

            /// The object's metadata, to change.
            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata),* }
            }

            /// The object as JSON, with `apiVersion` and `kind`.
            pub fn to_value(&self) -> Value {
                let value = match self { $(Object::$variant(o) => serde_json::to_value(o)),* };
                // Serialising these types into a Value has no failure path.
                value.unwrap_or(Value::Null)
            }

            /// Decodes JSON of a known kind with serde's ordinary (lenient) rules.
            /// Strict decoding with paths lives in [`crate::api::decode`].
            pub(crate) fn from_deserializer<'de, D: serde::Deserializer<'de>>(
                kind: Kind,
                deserializer: D,
            ) -> Result<Object, D::Error> {
                use serde::Deserialize;
                Ok(match kind { $(Kind::$variant => Object::$variant(Box::new(<$ty>::deserialize(deserializer)?))),* })
            }
        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Self { Object::$variant(Box::new(o)) }
            }
        )*
    };
}
for_each_kind!(define_object);

impl Object {
    /// The object's name, or empty.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or("")
    }

    /// The object's namespace, or empty for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.metadata().namespace.as_deref().unwrap_or("")
    }

    /// The object's uid, or empty before it is stored.
    pub fn uid(&self) -> &str {
        self.metadata().uid.as_deref().unwrap_or("")
    }

    /// The object's resourceVersion as a number, or 0 when unset or not numeric.
    pub fn resource_version(&self) -> u64 {
        self.metadata()
            .resource_version
            .as_deref()
            .and_then(|rv| rv.parse().ok())
            .unwrap_or(0)
    }

    /// `kind/name` as kubectl names an object: `pod/x`, `deployment.apps/echo`.
    pub fn kubectl_name(&self) -> String {
        format!("{}/{}", self.kind().qualified_singular(), self.name())
    }

    /// Decodes JSON of a known kind, leniently: unknown fields are dropped.
    /// It goes through the strict decoder, ignoring what that finds unknown,
    /// so that one instantiation of the k8s-openapi types' serde code
    /// serves both (about 20% of the web bundle's serde code).
    pub fn from_value(kind: Kind, value: &Value) -> Result<Object, serde_json::Error> {
        crate::api::decode::decode_lenient(kind, value)
            .map_err(|err| serde::de::Error::custom(err.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_round_trip_through_json_with_their_kind() {
        let value = serde_json::json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "echo", "namespace": "default"},
        });
        let object = Object::from_value(Kind::Deployment, &value).expect("decodes");
        assert_eq!(object.kind(), Kind::Deployment);
        assert_eq!(object.kubectl_name(), "deployment.apps/echo");
        assert_eq!(object.to_value(), value);
    }
}
