//! How the user's language shows numbers, dates and account numbers: one place, pure.

use serde::{Deserialize, Serialize};

/// The languages the product speaks: Norwegian bokmål and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nb,
}

impl Lang {
    /// The BCP 47 tag (`lang` attribute, `Content-Language`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_bcp47() {
        assert_eq!(Lang::En.tag(), "en");
        assert_eq!(Lang::Nb.tag(), "nb");
        assert_eq!(Lang::default(), Lang::En);
    }
}
