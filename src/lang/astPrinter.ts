// AST printer: a compact S-expression dump for golden tests and debugging. Expressions and
// types print on one line (types C-like in <...>: `<pte_t*>`, `<int*[4]>`); statements and
// declarations one per line with their `@line:col` (`@file:line:col` outside the main file).

import type { Expr, Stmt, TopDecl, TranslationUnit, TypeNode, VarDecl } from './ast.js';
import type { Span } from './diagnostics.js';

export function printType(t: TypeNode): string {
  return `<${typeText(t)}>`;
}

function typeText(t: TypeNode): string {
  switch (t.kind) {
    case 'IntType': case 'NamedType': return t.name;
    case 'VoidType': return 'void';
    case 'EnumType': return `enum ${t.name}`;
    case 'StructType': return `struct ${t.name}`;
    case 'PointerType': return `${typeText(t.to)}*`;
    case 'ArrayType': {
      // C order: `T x[2][3]` is an array of 2 arrays of 3, printed `T[2][3]`.
      let dims = '';
      let e: TypeNode = t;
      for (; e.kind === 'ArrayType'; e = e.of) dims += `[${e.size === null ? '' : printExpr(e.size)}]`;
      return typeText(e) + dims;
    }
  }
}

export function printExpr(e: Expr): string {
  const x = printExpr;
  switch (e.kind) {
    case 'IntLiteral': return e.text === String(e.value) ? e.text : `${e.text}=${e.value}`;
    case 'CharLiteral': return `${e.text}=${e.value}`;
    case 'StringLiteral': return JSON.stringify(e.value);
    case 'Identifier': return e.name;
    case 'Unary': return `(${e.op} ${x(e.operand)})`;
    case 'Postfix': return `(post${e.op} ${x(e.operand)})`;
    case 'Binary': return `(${e.op} ${x(e.left)} ${x(e.right)})`;
    case 'Assign': return `(${e.op} ${x(e.target)} ${x(e.value)})`;
    case 'Conditional': return `(? ${x(e.cond)} ${x(e.then)} ${x(e.else)})`;
    case 'Comma': return `(, ${e.exprs.map(x).join(' ')})`;
    case 'Cast': return `(cast ${printType(e.type)} ${x(e.operand)})`;
    case 'SizeofType': return `(sizeof ${printType(e.type)})`;
    case 'SizeofExpr': return `(sizeof ${x(e.operand)})`;
    case 'Call': return `(call ${[e.callee, ...e.args].map(x).join(' ')})`;
    case 'Member': return `(${e.arrow ? '->' : '.'} ${x(e.object)} ${e.member})`;
    case 'Index': return `(index ${x(e.array)} ${x(e.index)})`;
  }
}

class Printer {
  readonly lines: string[] = [];
  constructor(private readonly mainFile: string) {}

  at(s: Span): string {
    return s.file === this.mainFile ? `@${s.line}:${s.col}` : `@${s.file}:${s.line}:${s.col}`;
  }

  /** Emits `head`, then `children` one level deeper, closing the last line. */
  block(indent: string, head: string, children: () => void): void {
    this.lines.push(indent + head);
    children();
    this.lines[this.lines.length - 1] += ')';
  }

  var(v: VarDecl): string {
    const init = v.init === null ? '' : ` ${printExpr(v.init)}`;
    return `(var ${v.name} ${printType(v.type)}${v.extern ? ' extern' : ''}${init})`;
  }

  top(d: TopDecl): void {
    const at = this.at(d.span);
    switch (d.kind) {
      case 'FunctionDef': case 'FunctionDecl': {
        const params = d.params.map((p) => `(param ${p.name ?? '_'} ${printType(p.type)})`).join(' ');
        const head = `(${d.kind === 'FunctionDef' ? 'function' : 'prototype'} ${at} ${d.name} ${printType(d.returnType)} (${params})${d.variadic ? ' ...' : ''}`;
        if (d.kind === 'FunctionDecl') this.lines.push(head + ')');
        else this.block('', head, () => this.stmt(d.body, '  '));
        return;
      }
      case 'VarDecl': this.lines.push(`(global ${at} ${this.var(d)})`); return;
      case 'TypedefDecl': this.lines.push(`(typedef ${at} ${d.name} ${printType(d.type)})`); return;
      case 'EnumDecl': {
        const members = d.members.map((m) => `(${m.name}${m.value === null ? '' : ' ' + printExpr(m.value)})`);
        this.lines.push(`(enum ${at} ${d.name ?? '_'} ${members.join(' ')})`);
      }
    }
  }

  stmt(s: Stmt, ind: string): void {
    const at = this.at(s.span);
    const deeper = ind + '  ';
    const opt = (e: Expr | null): string => (e === null ? '_' : printExpr(e));
    switch (s.kind) {
      case 'CompoundStmt':
        if (s.items.length === 0) this.lines.push(`${ind}(block ${at})`);
        else this.block(ind, `(block ${at}`, () => { for (const i of s.items) this.stmt(i, deeper); });
        return;
      case 'DeclStmt': this.lines.push(`${ind}(decl ${at} ${s.decls.map((v) => this.var(v)).join(' ')})`); return;
      case 'ExprStmt': this.lines.push(`${ind}(expr ${at} ${printExpr(s.expr)})`); return;
      case 'IfStmt':
        this.block(ind, `(if ${at} ${printExpr(s.cond)}`, () => {
          this.stmt(s.then, deeper);
          if (s.else !== null) this.stmt(s.else, deeper);
        });
        return;
      case 'ForStmt': {
        const init = s.init === null ? '_' : s.init.kind === 'DeclStmt' ? `(${s.init.decls.map((v) => this.var(v)).join(' ')})` : printExpr(s.init);
        this.block(ind, `(for ${at} ${init} ${opt(s.cond)} ${opt(s.step)}`, () => this.stmt(s.body, deeper));
        return;
      }
      case 'WhileStmt': this.block(ind, `(while ${at} ${printExpr(s.cond)}`, () => this.stmt(s.body, deeper)); return;
      case 'DoWhileStmt': this.block(ind, `(do ${at} ${printExpr(s.cond)}`, () => this.stmt(s.body, deeper)); return;
      case 'SwitchStmt': this.block(ind, `(switch ${at} ${printExpr(s.cond)}`, () => this.stmt(s.body, deeper)); return;
      case 'CaseStmt': this.block(ind, `(case ${at} ${printExpr(s.value)}`, () => this.stmt(s.body, deeper)); return;
      case 'DefaultStmt': this.block(ind, `(default ${at}`, () => this.stmt(s.body, deeper)); return;
      case 'LabelStmt': this.block(ind, `(label ${at} ${s.label}`, () => this.stmt(s.body, deeper)); return;
      case 'BreakStmt': this.lines.push(`${ind}(break ${at})`); return;
      case 'ContinueStmt': this.lines.push(`${ind}(continue ${at})`); return;
      case 'GotoStmt': this.lines.push(`${ind}(goto ${at} ${s.label})`); return;
      case 'ReturnStmt': this.lines.push(`${ind}(return ${at}${s.value === null ? '' : ' ' + printExpr(s.value)})`); return;
      case 'EmptyStmt': this.lines.push(`${ind}(empty ${at})`); return;
    }
  }
}

/** One line per file-scope declaration, function bodies indented below their heads. */
export function printAst(unit: TranslationUnit): string {
  const p = new Printer(unit.span.file);
  for (const d of unit.decls) p.top(d);
  return p.lines.join('\n') + '\n';
}
