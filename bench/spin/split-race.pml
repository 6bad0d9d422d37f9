/*
 * split-race.pml: the SPIN twin of bench/scenarios/spin-split-race.yaml.
 * Part of ptmc (MIT licence, as the rest of the project).
 *
 * Two CPUs split the same level-2 block (VA 0x0-0x1fff -> PA 0x0) into a table of two
 * pages, without a lock (twin_split() in bench/scenarios/spin-twins.c):
 *
 *     old = READ_ONCE(*pmdp); if (!pmd_sect(old)) return;
 *     ptep = alloc_table(zeroed); ptep[0] = page 0; ptep[1] = page 1;
 *     dsb(ishst); *pmdp = table(ptep);
 *
 * while the hardware walkers of all three CPUs (CPU2 runs no code) walk VA 0x1000 once
 * each. Memory is ptmc's `relaxed` model (Promising-Arm without promises): per location,
 * the committed writes in commit order with timestamps; per CPU a store buffer and views.
 * The state is ptmc's state word for word, less the words that stay constant in this
 * scenario (bench/spin/README.md lists them), and each transition is one ptmc transition
 * (one d_step, or one store entering the buffer), so that without reduction both tools
 * store exactly the same number of states. That includes ptmc's compaction of memory
 * after each commit: writes no reader can reach are dropped and timestamps are renumbered
 * densely (src/machine/memory.ts collect() and renumber(), ported below).
 *
 * Processes: cpu() runs twin_split() (its program counter is the process's own, the live
 * local ptep a local variable), sbuf() commits its CPU's buffered stores, walker() is a
 * CPU's hardware walker. A store buffer is a channel: its CPU sends to it, its sbuf()
 * receives the oldest store to a location (random receive) when that store commits.
 *
 * Geometry: 2 levels of 2 entries. Frame 0 is the root (level 2); frames 1 and 2 are the
 * pool the splits allocate from. Location loc = frame * 2 + index.
 *
 * Properties: the scenario checks tlb-conflict, bbm, torn-walk, walk-after-free and
 * deadlock, none of which can fail here (a block and its pages differ in size only, which
 * BBM level 2-noabort allows; tables are zeroed and never freed), so no assertion stands
 * for them; the leak the race causes is not checked (bench/spin/README.md says why).
 */

#define NL	6	/* table slots: 3 frames x 2 entries */
#define H	4	/* writes a location may hold here (ptmc's historyDepth is 8; asserted below) */
#define SBCAP	2	/* buffered stores a CPU may hold here (asserted) */
#define MAXT	32	/* timestamps */

/* Descriptor values (ptmc's 64-bit values, one code each). */
#define ZERO	0	/* 0x0 */
#define BLOCK	1	/* 0x0068000000000701: level-2 block, PA 0, PAGE_KERNEL */
#define TAB1	2	/* 0x0000000000005003: table -> frame 1 (PA 0x5000) */
#define TAB2	3	/* 0x0000000000006003: table -> frame 2 (PA 0x6000) */
#define PAGE0	4	/* 0x0068000000000703: page, PA 0x0, PAGE_KERNEL */
#define PAGE1	5	/* 0x0068000000001703: page, PA 0x1000 */

/* ---- the state (ptmc's words that vary here) ---- */
byte gt;			/* G_TIME: the newest timestamp */
byte mn[NL] = 1;		/* per location: how many writes it keeps */
byte mv[NL * H] = { BLOCK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
				/* their values, oldest first (unused: 0); root[0] holds the block */
byte mts[NL * H];		/* their timestamps */
byte fr[3] = { 1, 0, 0 };	/* frame status: 0 free, 1 in use (frame 0: the root) */
/* CPU0, CPU1: views, store buffer, coherence, whether twin_split() has returned */
byte vR[2], vW[2], vFl[2], vDsb[2];
chan sb[2] = [SBCAP] of { byte, byte };	/* store buffer: (loc, value), oldest first */
byte coh[2 * NL];		/* newest write to each location the CPU has read or written */
bit  ret[2];
/* per CPU (0, 1, 2): its walker for VA 0x1000 (probe 0), its TLB and walk cache */
bit  wEarly[3];			/* an early translation-fault result (P_EARLY bit 1) */
bit  wAct[3];			/* a walk in flight */
byte wLvl[3], wFrame[3], wFloor[3];	/* its level, table frame and floor view */
bit  wDone[3];			/* completed walks (at most 1) */
byte wFill[3], wFillView[3];	/* the walk-cache fill it makes when it ends: frame + 1, view */
byte tlb[3];			/* TLB: bit 0 the block entry, bit 1 the page entry */
byte wc[9];			/* walk cache: wc[3w + f] = 1 + view of the level-2 pointer to frame f, or 0 */

/* ---- scratch (not part of the state) ---- */
hidden byte xi, xk, xl, xn, xkeep, xt, xcur, xra, xrb, xf, xts, xloc, xval;
hidden byte xclosed;
hidden byte xmark[MAXT], xrank[MAXT];
hidden byte xreach[3];

#define max(a, b)	((a) > (b) -> (a) : (b))
#define at(l, i)	((l) * H + (i))
/*
 * Write i of location l may be read at view v: it is at or after latest(l, v), the newest
 * write stamped at or before v. Timestamps increase along a location's writes, so that is:
 * i is the last write, or the next one is stamped after v.
 */
#define READABLE(l, i, v)	((i) < mn[l] && ((i) + 1 >= mn[l] || mts[at(l, (i) + 1)] > (v)))

/* res = index of the newest write to l stamped at or before v (0 if none): memory.ts latestIdx */
inline latestIdx(l_, v_, res) {
	res = mn[l_] - 1;
	do
	:: res > 0 && mts[at(l_, res)] > v_ -> res--
	:: else -> break
	od
}

/*
 * Renumber timestamps densely, merging those no reader can tell apart (memory.ts renumber).
 * Marks: 1 a write, 2 a write that is not its location's oldest, 4 a view, 8 an exact view,
 * 16 an exact-below view. Walking t = 1 .. gt over the marked timestamps, t starts a new
 * number if the number before holds an exact view, or t stamps a write that is not the
 * oldest, or t holds an exact-below view; exact views at 0 count. Exact here: CPU0/1's dsb
 * views. The views that stay 0 here (CPU2's; every CPU's isb, TLBI and TTBR dsb views,
 * TLBI-queue views, early floors, walk starts and early-translation floors; kernel-C
 * register views; bbm's break view: nothing breaks) mark 0. ptmc clamps a view above gt
 * to gt; no view here is ever above it.
 */
inline renumber() {
	xt = 0;
	do :: xt <= gt -> xmark[xt] = 0; xt++ :: else -> break od;
	xl = 0;
	do
	:: xl < NL ->
		xi = 0;
		do
		:: xi < mn[xl] -> xmark[mts[at(xl, xi)]] = xmark[mts[at(xl, xi)]] | (xi == 0 -> 1 : 3); xi++
		:: else -> break
		od;
		xl++
	:: else -> break
	od;
	xmark[0] = xmark[0] | 28;	/* 4 | 8 | 16: the views that stay 0 */
	xi = 0;
	do
	:: xi < 2 ->
		xmark[vR[xi]] = xmark[vR[xi]] | 4; xmark[vW[xi]] = xmark[vW[xi]] | 4; xmark[vFl[xi]] = xmark[vFl[xi]] | 4;
		xmark[vDsb[xi]] = xmark[vDsb[xi]] | 12;	/* 4 | 8: exact */
		xi++
	:: else -> break
	od;
	xi = 0;
	do :: xi < 2 * NL -> xmark[coh[xi]] = xmark[coh[xi]] | 4; xi++ :: else -> break od;
	xi = 0;
	do :: xi < 3 -> xmark[wFloor[xi]] = xmark[wFloor[xi]] | 4; xmark[wFillView[xi]] = xmark[wFillView[xi]] | 4; xi++ :: else -> break od;
	xi = 0;
	do :: xi < 9 -> if :: wc[xi] > 0 -> xmark[wc[xi] - 1] = xmark[wc[xi] - 1] | 4 :: else -> skip fi; xi++ :: else -> break od;
	xcur = 0; xclosed = ((xmark[0] & 8) != 0); xrank[0] = 0;
	xt = 1;
	do
	:: xt <= gt ->
		if
		:: xmark[xt] != 0 ->
			if :: xclosed || (xmark[xt] & 3) == 3 || (xmark[xt] & 16) -> xcur++ :: else -> skip fi;
			xclosed = ((xmark[xt] & 8) != 0)
		:: else -> skip
		fi;
		xrank[xt] = xcur;
		xt++
	:: else -> break
	od;
	if
	:: xcur != gt ->
		xl = 0;
		do
		:: xl < NL ->
			xi = 0;
			do :: xi < mn[xl] -> mts[at(xl, xi)] = xrank[mts[at(xl, xi)]]; xi++ :: else -> break od;
			xl++
		:: else -> break
		od;
		xi = 0;
		do
		:: xi < 2 ->
			vR[xi] = xrank[vR[xi]]; vW[xi] = xrank[vW[xi]]; vFl[xi] = xrank[vFl[xi]]; vDsb[xi] = xrank[vDsb[xi]];
			xi++
		:: else -> break
		od;
		xi = 0;
		do :: xi < 2 * NL -> coh[xi] = xrank[coh[xi]]; xi++ :: else -> break od;
		xi = 0;
		do :: xi < 3 -> wFloor[xi] = xrank[wFloor[xi]]; wFillView[xi] = xrank[wFillView[xi]]; xi++ :: else -> break od;
		xi = 0;
		do :: xi < 9 -> if :: wc[xi] > 0 -> wc[xi] = 1 + xrank[wc[xi] - 1] :: else -> skip fi; xi++ :: else -> break od;
		gt = xcur
	:: else -> skip
	fi
}

/*
 * Drop the writes no reader can reach, then renumber (memory.ts collect). A running CPU
 * may read from max(latest(coherence), latest(load floor)) on; each CPU's walker, while it
 * has its walk left, from latest(walk floor = 0) on in every frame a walk can reach (the
 * root, walk-cache entries, walks in flight, every table pointer still in memory); a walk
 * in flight from latest(its floor) on. Both indices of a table are read by some level of
 * a walk for VA 0x1000, so every slot counts.
 */
inline collect() {
	xreach[0] = 1; xreach[1] = 0; xreach[2] = 0;
	xk = 0;
	do
	:: xk < 3 ->
		if :: wc[3 * xk + 1] > 0 -> xreach[1] = 1 :: else -> skip fi;
		if :: wc[3 * xk + 2] > 0 -> xreach[2] = 1 :: else -> skip fi;
		if
		:: wAct[xk] -> xreach[wFrame[xk]] = 1; if :: wFill[xk] > 0 -> xreach[wFill[xk] - 1] = 1 :: else -> skip fi
		:: else -> skip
		fi;
		xk++
	:: else -> break
	od;
	xl = 0;
	do
	:: xl < NL ->
		xi = 0;
		do
		:: xi < mn[xl] ->
			if :: mv[at(xl, xi)] == TAB1 -> xreach[1] = 1 :: mv[at(xl, xi)] == TAB2 -> xreach[2] = 1 :: else -> skip fi;
			xi++
		:: else -> break
		od;
		xl++
	:: else -> break
	od;
	xl = 0;
	do
	:: xl < NL ->
		xn = mn[xl];
		if
		:: xn > 1 ->
			xkeep = xn - 1;
			xk = 0;
			do
			:: xk < 2 ->
				if
				:: !ret[xk] ->
					latestIdx(xl, coh[xk * NL + xl], xra);
					latestIdx(xl, vFl[xk], xrb);
					xra = max(xra, xrb);
					if :: xra < xkeep -> xkeep = xra :: else -> skip fi
				:: else -> skip
				fi;
				xk++
			:: else -> break
			od;
			xk = 0;
			do
			:: xk < 3 ->
				if :: xreach[xl / 2] && !wDone[xk] -> xkeep = 0 :: else -> skip fi;	/* latest(l, 0) is write 0 */
				if
				:: wAct[xk] ->
					latestIdx(xl, wFloor[xk], xra);
					if :: xra < xkeep -> xkeep = xra :: else -> skip fi
				:: else -> skip
				fi;
				xk++
			:: else -> break
			od;
			if
			:: xkeep > 0 ->
				xi = 0;
				do
				:: xi < xn - xkeep -> mv[at(xl, xi)] = mv[at(xl, xi + xkeep)]; mts[at(xl, xi)] = mts[at(xl, xi + xkeep)]; xi++
				:: else -> break
				od;
				do
				:: xi < xn -> mv[at(xl, xi)] = 0; mts[at(xl, xi)] = 0; xi++
				:: else -> break
				od;
				mn[xl] = xn - xkeep
			:: else -> skip
			fi
		:: else -> skip
		fi;
		xl++
	:: else -> break
	od;
	renumber()
}

/* A committed write by CPU c (memory.ts commitWrite; ttbrFixed, so no writer tag). */
inline commitWrite(c, l_, v_) {
	assert(mn[l_] < H);
	gt++;
	assert(gt < MAXT);
	mv[at(l_, mn[l_])] = v_;
	mts[at(l_, mn[l_])] = gt;
	mn[l_]++;
	coh[c * NL + l_] = max(coh[c * NL + l_], gt);
	vR[c] = max(vR[c], gt);
	vW[c] = max(vW[c], gt);
	collect()
}

/* A returned CPU's load views are dead (memory.ts retireViews). */
inline retire(c) {
	vR[c] = 0; vW[c] = 0; vFl[c] = 0;
	xi = 0;
	do :: xi < NL -> coh[c * NL + xi] = 0; xi++ :: else -> break od
}

/*
 * The oldest buffered store to location l commits (cpu.ts canCommit: buffered stores
 * commit in order per location, in any order across locations; twin_split() has no
 * barrier that orders them otherwise). Then, if the CPU has returned, its views retire.
 */
inline commit(c, q, l_) {
	q??eval(l_), xval;
	commitWrite(c, l_, xval);
	if :: ret[c] -> retire(c) :: else -> skip fi
}

/* pmd_t old = READ_ONCE(*pmdp), reading write e of root[0], which holds the block (or a table) */
#define LOADS(c, e, v)	(READABLE(0, e, max(vFl[c], coh[c * NL])) && (mv[at(0, e)] == BLOCK) == v)

inline load(c, e) {
	xts = mts[at(0, e)];
	coh[c * NL] = max(coh[c * NL], xts);
	vR[c] = max(vR[c], xts)
}

/* ... a table: someone else split it; return (the CPU's views retire) */
inline loadTable(c, e) {
	load(c, e);
	ret[c] = 1; retire(c); collect()
}

/* ptep = __ptmc_alloc_table(1): the lowest free frame, zeroed by a write of this CPU (sys.ts alloc). */
inline alloc(c, ptep) {
	xf = (fr[1] == 0 -> 1 : 2);
	assert(fr[xf] == 0);
	fr[xf] = 1;
	gt++;
	xi = 0;
	do
	:: xi < 2 ->
		assert(mn[xf * 2 + xi] < H);
		mv[at(xf * 2 + xi, mn[xf * 2 + xi])] = ZERO;
		mts[at(xf * 2 + xi, mn[xf * 2 + xi])] = gt;
		mn[xf * 2 + xi]++;
		coh[c * NL + xf * 2 + xi] = gt;
		xi++
	:: else -> break
	od;
	vW[c] = max(vW[c], gt);
	vR[c] = max(vR[c], gt);
	collect();
	ptep = xf
}

active [2] proctype cpu()
{
	chan q = sb[_pid];
	byte ptep;	/* the live local: the frame it allocated */
	if
	:: d_step { LOADS(_pid, 0, 0) -> loadTable(_pid, 0) }
	:: d_step { LOADS(_pid, 1, 0) -> loadTable(_pid, 1) }
	:: d_step { LOADS(_pid, 2, 0) -> loadTable(_pid, 2) }
	:: d_step { LOADS(_pid, 3, 0) -> loadTable(_pid, 3) }
	:: if
	   :: d_step { LOADS(_pid, 0, 1) -> load(_pid, 0) }
	   :: d_step { LOADS(_pid, 1, 1) -> load(_pid, 1) }
	   :: d_step { LOADS(_pid, 2, 1) -> load(_pid, 2) }
	   :: d_step { LOADS(_pid, 3, 1) -> load(_pid, 3) }
	   fi;
	   d_step { alloc(_pid, ptep) };
	   q!ptep * 2, PAGE0;		/* ptep[0] = page 0 */
	   q!ptep * 2 + 1, PAGE1;	/* ptep[1] = page 1 */
	   d_step { len(q) == 0 ->		/* dsb(ishst) */
		vFl[_pid] = max(vFl[_pid], vW[_pid]); vDsb[_pid] = max(vDsb[_pid], vW[_pid]) }
	   d_step {				/* *pmdp = table(ptep); return */
		q!0, (ptep == 1 -> TAB1 : TAB2); ptep = 0;
		ret[_pid] = 1; retire(_pid); collect() }
	fi
}

/* CPU c's store buffer: the oldest store to each location may commit. */
active [2] proctype sbuf()
{
	byte c = _pid - 2;	/* pids 2, 3 */
	chan q = sb[c];
end:
	do
	:: d_step { q??[eval(0), _] -> commit(c, q, 0) }
	:: d_step { q??[eval(2), _] -> commit(c, q, 2) }
	:: d_step { q??[eval(3), _] -> commit(c, q, 3) }
	:: d_step { q??[eval(4), _] -> commit(c, q, 4) }
	:: d_step { q??[eval(5), _] -> commit(c, q, 5) }
	od
}

/*
 * The walker of CPU w: one walk of VA 0x1000 (walk.ts). It starts at the root at floor 0
 * (max(isb view, TLBI view): no CPU executes either) and reads one level per step, any
 * write at or after latest(its floor); each read raises the floor. A table pointer is
 * remembered for the walk cache, filled when the walk ends. Walkers never read a store
 * buffer, not even their own CPU's.
 */
inline walkEnd(w) {
	if :: wFill[w] > 0 -> wc[3 * w + wFill[w] - 1] = 1 + wFillView[w] :: else -> skip fi;
	wAct[w] = 0; wLvl[w] = 0; wFrame[w] = 0; wFloor[w] = 0; wFill[w] = 0; wFillView[w] = 0;
	wDone[w] = 1
}

inline walkRoot(w, e) {
	xts = mts[at(0, e)];
	if
	:: mv[at(0, e)] == BLOCK -> tlb[w] = tlb[w] | 1; walkEnd(w)
	:: else ->			/* a table pointer: go on at level 3 */
		wAct[w] = 1; wFloor[w] = xts;
		wFrame[w] = (mv[at(0, e)] == TAB1 -> 1 : 2);
		wFill[w] = wFrame[w] + 1; wFillView[w] = xts;
		wLvl[w] = 3
	fi
}

#define ROOTREAD(w, e)	(!wAct[w] && !wDone[w] && READABLE(0, e, 0))
#define LEAFREAD(w, e)	(wAct[w] && wLvl[w] == 3 && READABLE(wFrame[w] * 2 + 1, e, wFloor[w]))

inline walkLeaf(w, e) {
	if
	:: mv[at(wFrame[w] * 2 + 1, e)] == PAGE1 -> tlb[w] = tlb[w] | 2
	:: else -> assert(mv[at(wFrame[w] * 2 + 1, e)] == ZERO && !wEarly[w]); wEarly[w] = 1	/* translation fault */
	fi;
	walkEnd(w)
}

active [3] proctype walker()
{
	byte w = _pid - 4;	/* pids 0, 1: cpu(); 2, 3: sbuf(); 4, 5, 6: the walkers of CPU0, CPU1, CPU2 */
end:
	do
	:: d_step { ROOTREAD(w, 0) -> walkRoot(w, 0) }
	:: d_step { ROOTREAD(w, 1) -> walkRoot(w, 1) }
	:: d_step { ROOTREAD(w, 2) -> walkRoot(w, 2) }
	:: d_step { ROOTREAD(w, 3) -> walkRoot(w, 3) }
	:: d_step { LEAFREAD(w, 0) -> walkLeaf(w, 0) }
	:: d_step { LEAFREAD(w, 1) -> walkLeaf(w, 1) }
	:: d_step { LEAFREAD(w, 2) -> walkLeaf(w, 2) }
	:: d_step { LEAFREAD(w, 3) -> walkLeaf(w, 3) }
	od
}
