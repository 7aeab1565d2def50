//! Target selection: which model a request means (explicit, `LLMCFG_DEFAULT_MODEL`, the
//! registry's default, `default_alias`, the only alias) and, for a string, whether it is an
//! alias or a `provider/model`.

use llmcfg_core::vocab::{PROVIDERS, backend_serves_model, split_model};

use crate::Alias;
use crate::config::cmp_ignore_ascii_case;
use crate::error::ResolveError;
use crate::request::Selection;

use super::{DefaultModel, Resolver, builtin};

/// The model a request resolved to, before a backend is chosen.
#[derive(Clone, Copy, Debug)]
pub(super) struct Target<'a> {
    pub(super) selection: Selection,
    pub(super) alias: Option<&'a Alias>,
    /// Round-robin slot.
    pub(super) slot: usize,
    pub(super) model: &'a str,
    pub(super) provider: &'a str,
    pub(super) model_name: &'a str,
}

impl<'c> Resolver<'c> {
    /// The alias named `name` (ASCII case ignored) and its round-robin slot: transported
    /// entries first, then the config's. `typed` is the constant `name` came from: when the
    /// config's alias at its position is that constant (or has its name), no search is made.
    pub(super) fn find_alias(&self, name: &str, typed: Option<&Alias>) -> Option<(&Alias, usize)> {
        let transported = &self.registry.aliases;
        if !transported.is_empty()
            && let Ok(i) = transported.binary_search_by(|a| cmp_ignore_ascii_case(a.name(), name))
        {
            return transported
                .get(i)
                .map(|a| (a, self.config.aliases().len() + i));
        }
        let aliases = self.config.aliases();
        if let Some(typed) = typed {
            let i = typed.position() as usize;
            if let Some(a) = aliases.get(i)
                && (std::ptr::eq(a, typed) || a.name() == name)
            {
                return Some((a, i));
            }
        }
        let i = aliases
            .binary_search_by(|a| cmp_ignore_ascii_case(a.name(), name))
            .ok()?;
        aliases.get(i).map(|a| (a, i))
    }

    fn alias_target<'a>(
        &'a self,
        alias: &'a Alias,
        slot: usize,
        selection: Selection,
    ) -> Target<'a> {
        let model = alias.model();
        // `split_model` by bytes: the hot path of a typed constant, and `/` is ASCII.
        let (provider, model_name) = match model.bytes().position(|b| b == b'/') {
            Some(i) => (&model[..i], &model[i + 1..]),
            None => ("", model),
        };
        Target {
            selection,
            alias: Some(alias),
            slot,
            model,
            provider,
            model_name,
        }
    }

    /// Interprets a requested string: an alias if one matches, else `provider/model`.
    fn interpret<'a>(
        &'a self,
        requested: &'a str,
        selection: Selection,
    ) -> Result<Target<'a>, ResolveError> {
        if let Some((alias, slot)) = self.find_alias(requested, None) {
            return Ok(self.alias_target(alias, slot, selection));
        }
        let Some((provider, model_name)) = split_model(requested).filter(|(p, _)| !p.is_empty())
        else {
            return Err(ResolveError::MissingProvider {
                model: requested.to_string(),
                known: self.alias_names(),
            });
        };
        if model_name.is_empty() {
            return Err(ResolveError::EmptyModel {
                model: requested.to_string(),
                provider: provider.to_string(),
            });
        }
        let provider = builtin(provider).map_or(provider, |p| p.name);
        if builtin(provider).is_none()
            && !self
                .config
                .backends()
                .iter()
                .any(|b| backend_serves_model(b.model(), b.provider(), provider, model_name))
        {
            return Err(ResolveError::UnknownProvider {
                provider: provider.to_string(),
                model: requested.to_string(),
                known: PROVIDERS.iter().map(|p| p.name).collect(),
            });
        }
        Ok(Target {
            selection,
            alias: None,
            slot: self.round_robin.len().saturating_sub(1),
            model: requested,
            provider,
            model_name,
        })
    }

    /// The visible alias names, sorted.
    fn alias_names(&self) -> Vec<String> {
        let mut names: Vec<&str> = self
            .config
            .aliases()
            .iter()
            .chain(&self.registry.aliases)
            .map(Alias::name)
            .collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(str::to_string).collect()
    }

    /// Model selection: explicit → `LLMCFG_DEFAULT_MODEL` → default alias → only alias. An
    /// explicit model is trimmed, as `LLMCFG_DEFAULT_MODEL` is; `typed` is the alias constant
    /// it came from, if any.
    pub(super) fn target<'a>(
        &'a self,
        requested: Option<&'a str>,
        typed: Option<&'a Alias>,
    ) -> Result<Target<'a>, ResolveError> {
        // A constant's name is a validated alias name: nothing to trim, and no string to
        // interpret when the alias is found. One that is not (another config's) is searched
        // for by name below, as a string request is.
        if let Some(typed) = typed
            && let Some((alias, slot)) = self.find_alias(typed.name(), Some(typed))
        {
            return Ok(self.alias_target(alias, slot, Selection::Explicit));
        }
        if let Some(requested) = requested.map(str::trim) {
            if requested.is_empty() {
                return Err(ResolveError::BlankModel {
                    known: self.alias_names(),
                });
            }
            return self.interpret(requested, Selection::Explicit);
        }
        match &self.default_model {
            DefaultModel::Set(model) => return self.interpret(model, Selection::EnvDefault),
            DefaultModel::Blank => return Err(ResolveError::BlankDefaultModel),
            DefaultModel::NotUnicode => return Err(ResolveError::DefaultModelNotUnicode),
            DefaultModel::Unset => {}
        }
        if let Some(default) = &self.registry.default {
            return self.interpret(default, Selection::RegistryDefault);
        }
        if let Some(default) = self.config.default_alias() {
            return self.interpret(default, Selection::DefaultAlias);
        }
        if self.visible_aliases == 1 {
            let only = self
                .registry
                .aliases
                .first()
                .map(|a| (a, self.config.aliases().len()))
                .or_else(|| self.config.aliases().first().map(|a| (a, 0)));
            if let Some((alias, slot)) = only {
                return Ok(self.alias_target(alias, slot, Selection::OnlyAlias));
            }
        }
        Err(ResolveError::NoModel {
            aliases: self.visible_aliases,
        })
    }
}
