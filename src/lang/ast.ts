// AST of kernel-C: every node has a `kind` (the discriminant) and a `span`. Names are plain
// strings; resolving them (typedefs, enumerators, locals, builtins) is the checker's job.

import type { Span } from './diagnostics.js';

interface NodeBase {
  readonly span: Span;
}

// ---- Types ----

export type IntTypeName =
  | 'char' | 'signed char' | 'unsigned char'
  | 'short' | 'unsigned short'
  | 'int' | 'unsigned int'
  | 'long' | 'unsigned long'
  | 'long long' | 'unsigned long long'
  | '_Bool';

/** A built-in integer type, spelled canonically (`unsigned` is `unsigned int`, `bool` is `_Bool`). */
export interface IntType extends NodeBase { readonly kind: 'IntType'; readonly name: IntTypeName }
export interface VoidType extends NodeBase { readonly kind: 'VoidType' }
/** A typedef name: one of KERNEL_TYPEDEFS or a `typedef` the model declares. */
export interface NamedType extends NodeBase { readonly kind: 'NamedType'; readonly name: string }
export interface EnumType extends NodeBase { readonly kind: 'EnumType'; readonly name: string }
/** `struct X`, only ever opaque (no bodies are parsed): e.g. the pointee of `&init_mm`. */
export interface StructType extends NodeBase { readonly kind: 'StructType'; readonly name: string }
export interface PointerType extends NodeBase { readonly kind: 'PointerType'; readonly to: TypeNode }
/** `T name[size]`; size is null for `[]`. */
export interface ArrayType extends NodeBase { readonly kind: 'ArrayType'; readonly of: TypeNode; readonly size: Expr | null }

export type TypeNode = IntType | VoidType | NamedType | EnumType | StructType | PointerType | ArrayType;

/** The kernel typedefs every model may use without declaring them. */
export const KERNEL_TYPEDEFS: readonly string[] = [
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'size_t', 'phys_addr_t',
  'pteval_t', 'pmdval_t', 'pudval_t', 'p4dval_t', 'pgdval_t',
  'pte_t', 'pmd_t', 'pud_t', 'p4d_t', 'pgd_t', 'pgprot_t', 'gfp_t',
];

// ---- Expressions ----

export interface IntLiteral extends NodeBase {
  readonly kind: 'IntLiteral';
  readonly value: bigint;
  /** The C type of a literal depends on its radix (decimal literals never become unsigned). */
  readonly radix: 2 | 8 | 10 | 16;
  readonly unsigned: boolean;
  /** Number of `l` in the suffix: 0, 1 (`l`) or 2 (`ll`). */
  readonly longs: 0 | 1 | 2;
  readonly text: string;
}
export interface CharLiteral extends NodeBase { readonly kind: 'CharLiteral'; readonly value: bigint; readonly text: string }
/** Adjacent literals are already concatenated. */
export interface StringLiteral extends NodeBase { readonly kind: 'StringLiteral'; readonly value: string }
export interface Identifier extends NodeBase { readonly kind: 'Identifier'; readonly name: string }

export type UnaryOp = '-' | '+' | '!' | '~' | '&' | '*' | '++' | '--';
/** A prefix operator: negation, address-of, dereference, pre-increment... */
export interface Unary extends NodeBase { readonly kind: 'Unary'; readonly op: UnaryOp; readonly operand: Expr }
export interface Postfix extends NodeBase { readonly kind: 'Postfix'; readonly op: '++' | '--'; readonly operand: Expr }

export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '<<' | '>>'
  | '<' | '>' | '<=' | '>=' | '==' | '!='
  | '&' | '^' | '|' | '&&' | '||';
export interface Binary extends NodeBase { readonly kind: 'Binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }

export type AssignOp = '=' | '*=' | '/=' | '%=' | '+=' | '-=' | '<<=' | '>>=' | '&=' | '^=' | '|=';
export interface Assign extends NodeBase { readonly kind: 'Assign'; readonly op: AssignOp; readonly target: Expr; readonly value: Expr }

export interface Conditional extends NodeBase {
  readonly kind: 'Conditional';
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
}
/** `a, b, c`: at least two expressions, evaluated left to right, the value is the last. */
export interface Comma extends NodeBase { readonly kind: 'Comma'; readonly exprs: readonly Expr[] }
export interface Cast extends NodeBase { readonly kind: 'Cast'; readonly type: TypeNode; readonly operand: Expr }
export interface SizeofType extends NodeBase { readonly kind: 'SizeofType'; readonly type: TypeNode }
export interface SizeofExpr extends NodeBase { readonly kind: 'SizeofExpr'; readonly operand: Expr }
export interface Call extends NodeBase { readonly kind: 'Call'; readonly callee: Expr; readonly args: readonly Expr[] }
/** `object.member`, or `object->member` when `arrow`. */
export interface Member extends NodeBase {
  readonly kind: 'Member';
  readonly object: Expr;
  readonly member: string;
  readonly arrow: boolean;
}
export interface Index extends NodeBase { readonly kind: 'Index'; readonly array: Expr; readonly index: Expr }

export type Expr =
  | IntLiteral | CharLiteral | StringLiteral | Identifier
  | Unary | Postfix | Binary | Assign | Conditional | Comma
  | Cast | SizeofType | SizeofExpr | Call | Member | Index;

// ---- Declarations ----

/** One declarator of a variable declaration; `pgd_t *pgdp, pgd;` gives two. */
export interface VarDecl extends NodeBase {
  readonly kind: 'VarDecl';
  readonly name: string;
  readonly nameSpan: Span;
  readonly type: TypeNode;
  readonly init: Expr | null;
  /** Declared `extern`: a declaration of a variable defined elsewhere. */
  readonly extern: boolean;
}

export interface Param extends NodeBase {
  readonly kind: 'Param';
  /** Null in a prototype that leaves the parameter unnamed. */
  readonly name: string | null;
  readonly type: TypeNode;
}

interface FunctionBase extends NodeBase {
  readonly name: string;
  readonly nameSpan: Span;
  readonly returnType: TypeNode;
  /** `(void)` and `()` both give no parameters. */
  readonly params: readonly Param[];
  /** Ends in `...`. */
  readonly variadic: boolean;
}
export interface FunctionDef extends FunctionBase { readonly kind: 'FunctionDef'; readonly body: CompoundStmt }
/** A prototype. */
export interface FunctionDecl extends FunctionBase { readonly kind: 'FunctionDecl' }

export interface Enumerator extends NodeBase { readonly kind: 'Enumerator'; readonly name: string; readonly value: Expr | null }
/** `enum name { A, B = 3, ... }` at file scope; name is null for an anonymous enum. */
export interface EnumDecl extends NodeBase {
  readonly kind: 'EnumDecl';
  readonly name: string | null;
  readonly members: readonly Enumerator[];
}
export interface TypedefDecl extends NodeBase {
  readonly kind: 'TypedefDecl';
  readonly name: string;
  readonly nameSpan: Span;
  readonly type: TypeNode;
}

export type TopDecl = FunctionDef | FunctionDecl | VarDecl | EnumDecl | TypedefDecl;

export interface TranslationUnit extends NodeBase { readonly kind: 'TranslationUnit'; readonly decls: readonly TopDecl[] }

// ---- Statements ----

export interface CompoundStmt extends NodeBase { readonly kind: 'CompoundStmt'; readonly items: readonly Stmt[] }
/** A local declaration: one or more declarators. */
export interface DeclStmt extends NodeBase { readonly kind: 'DeclStmt'; readonly decls: readonly VarDecl[] }
export interface ExprStmt extends NodeBase { readonly kind: 'ExprStmt'; readonly expr: Expr }
export interface IfStmt extends NodeBase {
  readonly kind: 'IfStmt';
  readonly cond: Expr;
  readonly then: Stmt;
  readonly else: Stmt | null;
}
export interface ForStmt extends NodeBase {
  readonly kind: 'ForStmt';
  readonly init: DeclStmt | Expr | null;
  readonly cond: Expr | null;
  readonly step: Expr | null;
  readonly body: Stmt;
}
export interface WhileStmt extends NodeBase { readonly kind: 'WhileStmt'; readonly cond: Expr; readonly body: Stmt }
export interface DoWhileStmt extends NodeBase { readonly kind: 'DoWhileStmt'; readonly body: Stmt; readonly cond: Expr }
export interface SwitchStmt extends NodeBase { readonly kind: 'SwitchStmt'; readonly cond: Expr; readonly body: Stmt }
/**
 * Labels wrap the statement they label, as in C's grammar: `case 1: case 2: x();` is
 * Case(1, Case(2, ExprStmt)). A label just before `}` labels an EmptyStmt (C23).
 */
export interface CaseStmt extends NodeBase { readonly kind: 'CaseStmt'; readonly value: Expr; readonly body: Stmt }
export interface DefaultStmt extends NodeBase { readonly kind: 'DefaultStmt'; readonly body: Stmt }
export interface LabelStmt extends NodeBase { readonly kind: 'LabelStmt'; readonly label: string; readonly body: Stmt }
export interface BreakStmt extends NodeBase { readonly kind: 'BreakStmt' }
export interface ContinueStmt extends NodeBase { readonly kind: 'ContinueStmt' }
export interface GotoStmt extends NodeBase { readonly kind: 'GotoStmt'; readonly label: string }
export interface ReturnStmt extends NodeBase { readonly kind: 'ReturnStmt'; readonly value: Expr | null }
export interface EmptyStmt extends NodeBase { readonly kind: 'EmptyStmt' }

export type Stmt =
  | CompoundStmt | DeclStmt | ExprStmt | IfStmt | ForStmt | WhileStmt | DoWhileStmt
  | SwitchStmt | CaseStmt | DefaultStmt | LabelStmt
  | BreakStmt | ContinueStmt | GotoStmt | ReturnStmt | EmptyStmt;

export type Node = TranslationUnit | TopDecl | Param | Enumerator | Stmt | Expr | TypeNode;
