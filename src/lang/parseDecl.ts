// Declarations: file-scope ones (function definitions and prototypes, variables, enums,
// typedefs) and local ones (one DeclStmt per declaration, one VarDecl per declarator).

import type { DeclStmt, Expr, TopDecl, VarDecl } from './ast.js';
import { Code } from './diagnostics.js';
import { parseAssignment } from './parseExpr.js';
import { parseCompound } from './parseStmt.js';
import { parseDeclarator, parseSpecifiers, type Declarator, type Specifiers } from './parseType.js';
import type { Parser } from './parserState.js';
import type { Token } from './tokenizer.js';

function parseInit(p: Parser): Expr | null {
  if (!p.acceptPunct('=')) return null;
  if (p.isPunct('{')) p.fail(Code.Unsupported, 'initialiser lists are not supported');
  return parseAssignment(p);
}

function varDecl(p: Parser, spec: Specifiers, d: Declarator, name: Token): VarDecl {
  const init = parseInit(p);
  return { kind: 'VarDecl', name: name.text, nameSpan: name.span, type: d.type, init, extern: spec.extern, span: p.spanFrom(name) };
}

// Declarators parsed in 'named' mode always have a name; this narrows the type.
function nameOf(p: Parser, d: Declarator): Token {
  return d.name ?? p.expectIdent('a name');
}

/** A declaration inside a function (or a for-init), through its `;`. */
export function parseLocalDecl(p: Parser): DeclStmt {
  const spec = parseSpecifiers(p);
  if (spec.enumDecl) p.fail(Code.Unsupported, 'enum definitions are only supported at file scope', spec.start.span);
  const decls: VarDecl[] = [];
  if (!p.isPunct(';')) {
    do {
      const d = parseDeclarator(p, spec.type, 'named');
      const name = nameOf(p, d);
      if (spec.typedef) {
        // Still record the name, so the rest of the function parses as intended.
        p.typeNames.add(name.text);
        p.fail(Code.Unsupported, 'typedefs are only supported at file scope', name.span);
      }
      if (d.fn !== null) p.fail(Code.Unsupported, 'function declarations are only supported at file scope', name.span);
      decls.push(varDecl(p, spec, d, name));
    } while (p.acceptPunct(','));
  }
  p.expectPunct(';');
  // Complete, just useless: report without unwinding (the DeclStmt has no declarators).
  if (decls.length === 0) p.diags.error(Code.InvalidDeclaration, 'declaration declares nothing', spec.start.span);
  return { kind: 'DeclStmt', decls, span: p.spanFrom(spec.start) };
}

/** One file-scope declaration; a declaration with several declarators gives several nodes. */
export function parseTopLevel(p: Parser): TopDecl[] {
  const spec = parseSpecifiers(p);
  const out: TopDecl[] = [];
  if (spec.enumDecl) out.push(spec.enumDecl);
  if (p.acceptPunct(';')) return out;
  for (let first = true; ; first = false) {
    const d = parseDeclarator(p, spec.type, 'named');
    const name = nameOf(p, d);
    const base = { name: name.text, nameSpan: name.span };
    if (spec.typedef) {
      if (d.fn !== null) p.fail(Code.Unsupported, 'function typedefs are not supported', name.span);
      p.typeNames.add(name.text);
      out.push({ kind: 'TypedefDecl', ...base, type: d.type, span: p.spanFrom(spec.start) });
    } else if (d.fn !== null) {
      const fn = { ...base, returnType: d.type, params: d.fn.params, variadic: d.fn.variadic };
      if (first && p.isPunct('{')) {
        const body = parseCompound(p);
        out.push({ kind: 'FunctionDef', ...fn, body, span: p.spanFrom(spec.start) });
        return out;
      }
      out.push({ kind: 'FunctionDecl', ...fn, span: p.spanFrom(spec.start) });
    } else {
      out.push(varDecl(p, spec, d, name));
    }
    if (!p.acceptPunct(',')) break;
  }
  p.expectPunct(';');
  return out;
}
