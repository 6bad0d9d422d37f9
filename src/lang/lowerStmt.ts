// Lowering statements to instructions with labels: if/else, loops, switch, break,
// continue, goto, return, and local declarations in nested scopes.

import type * as A from './ast.js';
import { Code } from './diagnostics.js';
import { Label } from './fnBuilder.js';
import { Op } from './ir.js';
import { ExprLowerer, type Operand } from './lowerExpr.js';
import { promote, wrap } from './types.js';

export class StmtLowerer extends ExprLowerer {
  /** Lower a statement; its temporaries die at its end. */
  stmt(s: A.Stmt): void {
    const mark = this.fb.tempMark();
    this.stmtInner(s);
    this.fb.release(mark);
  }

  private stmtInner(s: A.Stmt): void {
    this.fb.at(s.span);
    switch (s.kind) {
      case 'CompoundStmt':
        this.fb.enter();
        for (const i of s.items) this.stmt(i);
        this.fb.leave();
        return;
      case 'DeclStmt':
        for (const d of s.decls) {
          const t = this.cx.resolveType(d.type);
          const init = d.init ? this.rvalue(d.init) : undefined;
          const slot = this.fb.declare(d.name, t);
          if (init) this.store({ kind: 'slot', slot, t }, init);
        }
        return;
      case 'ExprStmt':
        this.rvalue(s.expr);
        return;
      case 'IfStmt': {
        const els = new Label();
        const end = new Label();
        this.branchFalse(this.rvalue(s.cond), els);
        this.stmt(s.then);
        if (s.else) this.fb.jump(end);
        this.fb.mark(els);
        if (s.else) this.stmt(s.else);
        this.fb.mark(end);
        return;
      }
      case 'WhileStmt': return this.loop(s.cond, null, s.body, false);
      case 'DoWhileStmt': return this.loop(s.cond, null, s.body, true);
      case 'ForStmt': {
        this.fb.enter();
        if (s.init?.kind === 'DeclStmt') this.stmt(s.init);
        else if (s.init) this.rvalue(s.init);
        this.loop(s.cond, s.step, s.body, false);
        this.fb.leave();
        return;
      }
      case 'SwitchStmt': return this.switchStmt(s);
      case 'BreakStmt': return this.exit(this.fb.breaks, s, 'break');
      case 'ContinueStmt': return this.exit(this.fb.continues, s, 'continue');
      case 'GotoStmt':
        this.fb.gotos.push({ name: s.label, span: s.span });
        this.fb.jump(this.fb.label(s.label));
        return;
      case 'LabelStmt': {
        const l = this.fb.label(s.label);
        if (l.pos === -2) this.cx.diags.error(Code.Redefinition, `label '${s.label}' defined twice`, s.span);
        l.pos = -2; // defined (the real position is set when the function is finished)
        this.fb.mark(l);
        return this.stmt(s.body);
      }
      case 'ReturnStmt': {
        const v = s.value ? this.convert(this.rvalue(s.value), this.fb.ret) : undefined;
        this.fb.at(s.span);
        this.fb.emit({ op: Op.Ret, dst: -1, ...(v ? { fn: v.f, deps: Int32Array.from(v.deps) } : {}) });
        return;
      }
      case 'CaseStmt': case 'DefaultStmt':
        this.cx.diags.error(Code.UnsupportedConstruct, `'${s.kind === 'CaseStmt' ? 'case' : 'default'}' outside a switch`, s.span);
        return;
      case 'EmptyStmt':
        return;
    }
  }

  branchFalse(c: Operand, to: Label): void {
    this.fb.emit({ op: Op.BrFalse, dst: -1, fn: c.f, uses: Int32Array.from(c.deps), label: to });
  }

  private exit(stack: Label[], s: A.Stmt, what: string): void {
    const l = stack[stack.length - 1];
    if (!l) {
      this.cx.diags.error(Code.UnsupportedConstruct, `'${what}' outside a loop${what === 'break' ? ' or switch' : ''}`, s.span);
      return;
    }
    this.fb.jump(l);
  }

  private loop(cond: A.Expr | null, step: A.Expr | null, body: A.Stmt, postTest: boolean): void {
    const top = new Label();
    const next = new Label();
    const end = new Label();
    this.fb.breaks.push(end);
    this.fb.continues.push(next);
    if (!postTest) {
      this.fb.mark(top);
      if (cond) this.branchFalse(this.rvalue(cond), end);
      this.stmt(body);
      this.fb.mark(next);
      if (step) this.rvalue(step);
      this.fb.jump(top);
    } else {
      this.fb.mark(top);
      this.stmt(body);
      this.fb.mark(next);
      if (cond) this.branchFalse(this.rvalue(cond), end);
      this.fb.jump(top);
    }
    this.fb.mark(end);
    this.fb.breaks.pop();
    this.fb.continues.pop();
  }

  /** switch: compare against each case in order, then jump to default (or out). */
  private switchStmt(s: A.SwitchStmt): void {
    const cond = this.rvalue(s.cond);
    const v = this.temp(cond, promote(cond.t));
    const end = new Label();
    const cases: { value: bigint; label: Label }[] = [];
    let deflt: Label | null = null;
    const labelled = new Map<A.Stmt, Label>();
    const collect = (st: A.Stmt): void => {
      if (st.kind === 'CaseStmt') {
        const k = this.rvalue(st.value).k;
        if (k === undefined) this.cx.diags.error(Code.NotConstant, 'case label is not a constant', st.value.span);
        const l = new Label();
        cases.push({ value: k ?? 0n, label: l });
        labelled.set(st, l);
        collect(st.body);
      } else if (st.kind === 'DefaultStmt') {
        deflt = new Label();
        labelled.set(st, deflt);
        collect(st.body);
      } else if (st.kind === 'CompoundStmt') st.items.forEach(collect);
      else if (st.kind === 'LabelStmt') collect(st.body);
    };
    collect(s.body);
    const vf = v.f;
    const ct = promote(v.t);
    for (const c of cases) {
      const skip = new Label();
      const value = wrap(ct, c.value); // C11 6.8.4.2p5: case values convert to the promoted type
      this.fb.emit({ op: Op.BrFalse, dst: -1, fn: (fr) => (vf(fr) === value ? 1n : 0n), uses: Int32Array.from(v.deps), label: skip });
      this.fb.jump(c.label);
      this.fb.mark(skip);
    }
    this.fb.jump(deflt ?? end);
    this.fb.breaks.push(end);
    const body = (st: A.Stmt): void => {
      const l = labelled.get(st);
      if (l) {
        this.fb.mark(l);
        return body((st as A.CaseStmt | A.DefaultStmt).body);
      }
      if (st.kind === 'CompoundStmt') {
        this.fb.enter();
        st.items.forEach(body);
        this.fb.leave();
      } else this.stmt(st);
    };
    body(s.body);
    this.fb.breaks.pop();
    this.fb.mark(end);
  }
}
