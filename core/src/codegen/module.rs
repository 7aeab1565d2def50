//! The layout of an entry module (`credentials`, `backends`, `aliases`): the entries' literals
//! in chunked `const` arrays, `ALL`, and a documented constant per entry.

use super::tokens::W;
use super::{Gen, PRELUDE, const_idents};

/// What differs between the three entry modules.
pub(super) struct Module<'m> {
    pub(super) name: &'m str,
    pub(super) doc: &'m str,
    pub(super) all_doc: &'m str,
    /// The public type (`Backend`, imported by the prelude) and the prelude's name of its
    /// parts.
    pub(super) ty: &'m str,
    pub(super) parts: &'m str,
    /// The prelude's name of the `const fn` making a `T` of its parts.
    pub(super) ctor: &'m str,
}

impl Gen<'_> {
    /// One module of entries: `pub mod name { prelude; const __D: Parts = Parts::DEFAULT;`
    /// the literals (see [`chunks`]), `pub static ALL: &[T]`, and for each entry
    /// `pub const NAME: &T = &ALL[i];` with its doc. `name_and_doc` gives an entry's name (for
    /// its constant) and doc.
    pub(super) fn module<E>(
        &self,
        w: &mut W,
        m: &Module<'_>,
        entries: &[E],
        literal: impl Fn(&mut W, &E),
        name_and_doc: impl Fn(&E) -> (&str, String),
    ) {
        let (names, docs): (Vec<&str>, Vec<String>) = entries.iter().map(name_and_doc).unzip();
        let idents = const_idents(names);
        w.doc(m.doc);
        w.code("#[allow(dead_code)] pub mod");
        w.ident(m.name).brace(|w| {
            w.code(PRELUDE);
            w.ident("const")
                .ident("__D")
                .punct(':')
                .ident(m.parts)
                .punct('=');
            w.ident(m.parts).op2(':').ident("DEFAULT").punct(';');
            chunks(w, m, entries, &literal);
            for (i, (ident, doc)) in idents.iter().zip(&docs).enumerate() {
                let Some(ident) = ident else { continue };
                w.doc(doc);
                w.ident("pub")
                    .ident("const")
                    .ident(ident)
                    .punct(':')
                    .punct('&');
                w.ident(m.ty);
                w.punct('=').punct('&').ident("ALL");
                w.bracket(|w| {
                    w.num(i, "usize");
                });
                w.punct(';');
            }
        });
    }
}

/// Entries per `const` item: see [`chunks`].
pub(super) const CHUNK: usize = 64;

/// The entries' literals in `const __C{k}: [T; size]` items of up to [`CHUNK`] entries, and
/// `ALL` the slice of a `static` array of them:
///
/// `static __CHUNKS: [[T; size]; k] = [__C0, …]; pub static ALL: &[T] = __CHUNKS.as_flattened()`
///
/// Every item is a body the compiler checks, evaluates and records in its incremental cache
/// on each rebuild, so fewer items is less work; but all the literals in one body (one
/// `static` initializer) made its analysis grow faster than the number of entries. The last
/// chunk is padded with `ctor(__D)` (at most one entry per chunk, never in `ALL`): the chunks
/// are the same size, so the array is one contiguous run of entries.
fn chunks<E>(w: &mut W, m: &Module<'_>, entries: &[E], literal: &impl Fn(&mut W, &E)) {
    let n = entries.len();
    let count = n.div_ceil(CHUNK).max(1);
    let size = n.div_ceil(count);
    for k in 0..count {
        let chunk = &entries[(k * size).min(n)..((k + 1) * size).min(n)];
        w.ident("const").ident(&format!("__C{k}")).punct(':');
        w.bracket(|w| {
            w.ident(m.ty).punct(';').num(size, "");
        });
        w.punct('=').bracket(|w| {
            for entry in chunk {
                literal(w, entry);
                w.punct(',');
            }
            for _ in chunk.len()..size {
                w.ident(m.ctor).paren(|w| {
                    w.ident("__D");
                });
                w.punct(',');
            }
        });
        w.punct(';');
    }
    w.ident("static").ident("__CHUNKS").punct(':').bracket(|w| {
        w.bracket(|w| {
            w.ident(m.ty).punct(';').num(size, "");
        });
        w.punct(';').num(count, "");
    });
    w.punct('=').bracket(|w| {
        for k in 0..count {
            w.ident(&format!("__C{k}")).punct(',');
        }
    });
    w.punct(';');
    w.doc(m.all_doc);
    w.ident("pub")
        .ident("static")
        .ident("ALL")
        .punct(':')
        .punct('&');
    w.bracket(|w| {
        w.ident(m.ty);
    })
    .punct('=');
    w.ident("__CHUNKS")
        .punct('.')
        .ident("as_flattened")
        .paren(|_| {});
    if size * count > n {
        w.punct('.').ident("split_at").paren(|w| {
            w.num(n, "");
        });
        w.punct('.').num(0, "");
    }
    w.punct(';');
}
