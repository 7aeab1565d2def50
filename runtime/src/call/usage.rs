//! Token usage and the model that answered, read from an attempt's value for telemetry.

/// What an attempt's value says about tokens and the model that answered. Every method
/// defaults to `None`; implement the ones your response type knows.
pub trait Usage {
    /// Prompt tokens (`gen_ai.usage.input_tokens`).
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    /// Completion tokens (`gen_ai.usage.output_tokens`).
    fn output_tokens(&self) -> Option<u64> {
        None
    }
    /// The model the backend says answered (`gen_ai.response.model`).
    fn response_model(&self) -> Option<&str> {
        None
    }
}

impl Usage for () {}
impl Usage for String {}
impl Usage for str {}
impl Usage for Vec<u8> {}
impl Usage for u16 {}
impl Usage for u32 {}
impl Usage for u64 {}

impl<T: Usage + ?Sized> Usage for &T {
    fn input_tokens(&self) -> Option<u64> {
        (**self).input_tokens()
    }
    fn output_tokens(&self) -> Option<u64> {
        (**self).output_tokens()
    }
    fn response_model(&self) -> Option<&str> {
        (**self).response_model()
    }
}

impl<T: Usage> Usage for Option<T> {
    fn input_tokens(&self) -> Option<u64> {
        self.as_ref()?.input_tokens()
    }
    fn output_tokens(&self) -> Option<u64> {
        self.as_ref()?.output_tokens()
    }
    fn response_model(&self) -> Option<&str> {
        self.as_ref()?.response_model()
    }
}

/// Feature `json` (on with each client's feature): a JSON response body in the shape of the OpenAI (`usage.prompt_tokens`,
/// `usage.completion_tokens`), Anthropic (`usage.input_tokens`, `usage.output_tokens`) or
/// Ollama (`prompt_eval_count`, `eval_count`) APIs, with its top-level `model`.
#[cfg(feature = "json")]
impl Usage for serde_json::Value {
    fn input_tokens(&self) -> Option<u64> {
        let usage = self.get("usage");
        usage
            .and_then(|u| u.get("prompt_tokens").or_else(|| u.get("input_tokens")))
            .or_else(|| self.get("prompt_eval_count"))
            .and_then(serde_json::Value::as_u64)
    }
    fn output_tokens(&self) -> Option<u64> {
        let usage = self.get("usage");
        usage
            .and_then(|u| {
                u.get("completion_tokens")
                    .or_else(|| u.get("output_tokens"))
            })
            .or_else(|| self.get("eval_count"))
            .and_then(serde_json::Value::as_u64)
    }
    fn response_model(&self) -> Option<&str> {
        self.get("model").and_then(serde_json::Value::as_str)
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_bodies_of_each_api_shape() {
        let openai = json!({"model": "gpt-5-nano-2025", "usage": {"prompt_tokens": 12, "completion_tokens": 3}});
        assert_eq!(openai.input_tokens(), Some(12));
        assert_eq!(openai.output_tokens(), Some(3));
        assert_eq!(openai.response_model(), Some("gpt-5-nano-2025"));
        let anthropic = json!({"usage": {"input_tokens": 7, "output_tokens": 9}});
        assert_eq!(
            (anthropic.input_tokens(), anthropic.output_tokens()),
            (Some(7), Some(9))
        );
        let ollama = json!({"model": "llama3.2", "prompt_eval_count": 4, "eval_count": 5});
        assert_eq!(
            (ollama.input_tokens(), ollama.output_tokens()),
            (Some(4), Some(5))
        );
        assert_eq!(json!("text").input_tokens(), None);
        assert_eq!(Some(openai).output_tokens(), Some(3));
        assert_eq!(().response_model(), None);
    }
}
