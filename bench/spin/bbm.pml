/*
 * bbm.pml: the SPIN twin of bench/scenarios/spin-bbm.yaml.
 * Part of ptmc (MIT licence, as the rest of the project).
 *
 * CPU0 moves VA 0x1000 from PA 0x1000 to PA 0x3000 with break-before-make
 * (twin_bbm() in bench/scenarios/spin-twins.c):
 *
 *     *ptep = 0; dsb(ishst); tlbi vaae1is, 0x1000; dsb(ish);
 *     *ptep = page(0x3000); dsb(ishst); isb();
 *
 * while CPU1, CPU2 and CPU3, which run no code, have hardware walkers that walk VA 0x1000
 * up to WALKS times each, through the root or through their walk caches. The TLBI
 * completes separately on each CPU (removing TLB and walk-cache entries for the VA,
 * cutting walks in flight, raising that CPU's walk floor). ptmc's `bbm` property keeps a
 * break record per VA (clean -> invalid-unclean -> dsb done -> TLBI issued -> clean); it
 * is part of the state and is kept here too, and a valid entry written before the break
 * is clean is an assertion failure, as is a TLB holding both translations (ptmc's
 * tlb-conflict). Memory is ptmc's `relaxed` model: the PTE's committed writes with
 * timestamps, CPU0's store buffer and views, and ptmc's compaction after each commit
 * (drop unreachable writes, renumber timestamps). As in split-race.pml, the state is
 * ptmc's state less the words that stay constant here (bench/spin/README.md), and each
 * transition is one ptmc transition: one d_step, or one store entering the buffer.
 *
 * Processes: cpu0() runs twin_bbm() (its program counter is the process's own);
 * cpu0mach() commits CPU0's buffered stores and completes the TLBI on CPU0; walker() is
 * the walker of CPU w + 1, and also completes the TLBI on that CPU.
 *
 * Geometry: 2 levels of 2 entries. Frame 0 is the root: root[0] -> frame 1, root[1] = 0.
 * Frame 1 maps VA 0x0 and 0x1000 with pages; its slot 1 (the PTE of VA 0x1000) is the only
 * location ever written, so only its history is kept here (the other three locations hold
 * one write each, stamped 0, for ever).
 */

#define NW	3	/* walker CPUs: CPU1 .. CPU3 (walker w is CPU w + 1) */
#define WALKS	3	/* walks per walker per VA (the scenario's walkers.walks) */
#define H	4	/* writes the PTE may hold here (ptmc's historyDepth is 8; asserted) */
#define MAXT	32

/* Values of the PTE (ptmc's 64-bit values, one code each). */
#define ZERO	0	/* 0x0 */
#define PAGE1	1	/* 0x0068000000001703: page, PA 0x1000, PAGE_KERNEL */
#define PAGE3	2	/* 0x0068000000003703: page, PA 0x3000, PAGE_KERNEL */

/* bbm break states (check/bbm.ts) */
#define CLEAN	0
#define UNCLEAN	1
#define DSBD	2
#define TLBID	3

/* ---- the state ---- */
byte gt;				/* G_TIME */
byte mn = 1;				/* the PTE: how many writes it keeps */
byte mv[H] = { PAGE1, 0, 0, 0 };	/* their values, oldest first */
byte mts[H];				/* their timestamps */
/* CPU0 (its program counter is cpu0()'s own) */
bit  ret;				/* twin_bbm() has returned */
byte vR, vW, vFl, vDsb, vCse;		/* CPU0's views */
byte vTlbi[NW + 1];			/* per CPU: the view the TLBIs completed there ordered */
byte coh;				/* CPU0's coherence view of the PTE */
chan sb = [1] of { byte };		/* CPU0's store buffer: one store to the PTE at most */
byte tlbiOut;				/* CPU0's TLBIs not yet complete everywhere */
bit  tqn[NW + 1];			/* per CPU: the TLBI pending there (one at most) */
byte tqv[NW + 1];			/* its view: the issuer's dsb view at issue */
/* per walker CPU: its walker for VA 0x1000, TLB and walk cache */
bit  wEarly[NW];			/* an early translation-fault result */
byte wEarlyFl[NW];			/* its floor (an exact view) */
bit  wAct[NW];
byte wLvl[NW], wFloor[NW], wStart[NW];	/* the walk in flight (always in frame 1): level, floor, start floor */
byte wDone[NW];				/* completed walks */
bit  wFill[NW];				/* it read root[0]: fills the walk cache when it ends */
byte wFillView[NW];
byte tlb[NW];				/* TLB: bit 0 VA 0x1000 -> PA 0x1000, bit 1 -> PA 0x3000 */
bit  wcHas[NW];				/* walk cache: root[0]'s pointer to frame 1 ... */
byte wcView[NW];			/* ... and the view it was read at */
/* the bbm property's record for VA 0x1000 (writer, wasTable and issuer stay 0) */
byte bbmSt;
byte bbmView;

/* ---- scratch (not part of the state) ---- */
hidden byte xi, xw, xn, xkeep, xt, xcur, xra, xrb, xold, xv;
hidden byte xclosed;
hidden byte xmark[MAXT], xrank[MAXT];

#define max(a, b)	((a) > (b) -> (a) : (b))
#define READABLE(i, v)	((i) < mn && ((i) + 1 >= mn || mts[(i) + 1] > (v)))

inline latestIdx(v_, res) {
	res = mn - 1;
	do
	:: res > 0 && mts[res] > v_ -> res--
	:: else -> break
	od
}

/*
 * memory.ts renumber, as in split-race.pml (marks: 1 a write, 2 not its location's oldest,
 * 4 a view, 8 an exact view, 16 an exact-below view). Exact here: CPU0's dsb and isb
 * views, every CPU's TLBI view and queued TLBI's view, the walkers' early-fault floors and
 * walk starts; exact-below: bbm's break view. The views that stay 0 (the walker CPUs'
 * load, dsb and isb views, TTBR dsb views, CPU0's walker, the other TLBI-queue entries,
 * early translations, kernel-C register views) mark 0. The three constant locations'
 * writes are stamped 0.
 */
inline renumber() {
	xt = 0;
	do :: xt <= gt -> xmark[xt] = 0; xt++ :: else -> break od;
	xmark[0] = 1 | 4 | 8;
	xi = 0;
	do :: xi < mn -> xmark[mts[xi]] = xmark[mts[xi]] | (xi == 0 -> 1 : 3); xi++ :: else -> break od;
	xmark[vR] = xmark[vR] | 4; xmark[vW] = xmark[vW] | 4; xmark[vFl] = xmark[vFl] | 4; xmark[coh] = xmark[coh] | 4;
	xmark[vDsb] = xmark[vDsb] | 12; xmark[vCse] = xmark[vCse] | 12;	/* 4 | 8: exact */
	xw = 0;
	do :: xw <= NW -> xmark[vTlbi[xw]] = xmark[vTlbi[xw]] | 12; xmark[tqv[xw]] = xmark[tqv[xw]] | 12; xw++ :: else -> break od;
	xw = 0;
	do
	:: xw < NW ->
		xmark[wEarlyFl[xw]] = xmark[wEarlyFl[xw]] | 12; xmark[wStart[xw]] = xmark[wStart[xw]] | 12;
		xmark[wFloor[xw]] = xmark[wFloor[xw]] | 4; xmark[wFillView[xw]] = xmark[wFillView[xw]] | 4;
		xmark[wcView[xw]] = xmark[wcView[xw]] | 4;
		xw++
	:: else -> break
	od;
	xmark[bbmView] = xmark[bbmView] | 20;	/* 4 | 16: exact-below */
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
		xi = 0;
		do :: xi < mn -> mts[xi] = xrank[mts[xi]]; xi++ :: else -> break od;
		vR = xrank[vR]; vW = xrank[vW]; vFl = xrank[vFl]; vDsb = xrank[vDsb]; vCse = xrank[vCse];
		coh = xrank[coh];
		xw = 0;
		do :: xw <= NW -> vTlbi[xw] = xrank[vTlbi[xw]]; tqv[xw] = xrank[tqv[xw]]; xw++ :: else -> break od;
		xw = 0;
		do
		:: xw < NW ->
			wEarlyFl[xw] = xrank[wEarlyFl[xw]]; wFloor[xw] = xrank[wFloor[xw]]; wStart[xw] = xrank[wStart[xw]];
			wFillView[xw] = xrank[wFillView[xw]]; wcView[xw] = xrank[wcView[xw]];
			xw++
		:: else -> break
		od;
		bbmView = xrank[bbmView];
		gt = xcur
	:: else -> skip
	fi
}

/*
 * memory.ts collect, for the PTE (the only location with more than one write). Every
 * frame is reachable (root[0] points to frame 1). CPU0, while it runs, may read from
 * max(latest(coherence), latest(load floor)) on; a walker with walks left from
 * latest(its CPU's walk floor = its TLBI view; those CPUs never execute isb) on; a walk
 * in flight from latest(its floor) on.
 */
inline collect() {
	xn = mn;
	if
	:: xn > 1 ->
		xkeep = xn - 1;
		if
		:: !ret ->
			latestIdx(coh, xra);
			latestIdx(vFl, xrb);
			xra = max(xra, xrb);
			if :: xra < xkeep -> xkeep = xra :: else -> skip fi
		:: else -> skip
		fi;
		xw = 0;
		do
		:: xw < NW ->
			if
			:: wDone[xw] < WALKS ->
				latestIdx(vTlbi[xw + 1], xra);
				if :: xra < xkeep -> xkeep = xra :: else -> skip fi
			:: else -> skip
			fi;
			if
			:: wAct[xw] ->
				latestIdx(wFloor[xw], xra);
				if :: xra < xkeep -> xkeep = xra :: else -> skip fi
			:: else -> skip
			fi;
			xw++
		:: else -> break
		od;
		if
		:: xkeep > 0 ->
			xi = 0;
			do :: xi < xn - xkeep -> mv[xi] = mv[xi + xkeep]; mts[xi] = mts[xi + xkeep]; xi++ :: else -> break od;
			do :: xi < xn -> mv[xi] = 0; mts[xi] = 0; xi++ :: else -> break od;
			mn = xn - xkeep
		:: else -> skip
		fi
	:: else -> skip
	fi;
	renumber()
}

/* The bbm property on a commit to the PTE (every live walk start reaches it at level 3). */
inline bbmCommit(old, new) {
	if
	:: old != ZERO && new == ZERO && bbmSt == CLEAN -> bbmSt = UNCLEAN; bbmView = gt
	:: old == ZERO && new != ZERO -> assert(bbmSt == CLEAN)	/* else a bbm violation */
	:: else -> skip
	fi
}

/* ... on a dsb by CPU0 (the writer, and the TLBI's issuer) */
inline bbmDsb(whole) {
	if
	:: bbmSt == UNCLEAN -> bbmSt = DSBD
	:: bbmSt == TLBID && whole -> bbmSt = CLEAN; bbmView = 0
	:: else -> skip
	fi
}

/* CPU0's buffered store commits (memory.ts commitWrite, then bbm). */
inline commit() {
	sb?xv;
	xold = mv[mn - 1];
	assert(mn < H);
	gt++;
	assert(gt < MAXT);
	mv[mn] = xv;
	mts[mn] = gt;
	mn++;
	coh = max(coh, gt);
	vR = max(vR, gt);
	vW = max(vW, gt);
	collect();
	bbmCommit(xold, xv)
}

inline dsb(whole) {
	xv = (whole -> max(vR, vW) : vW);
	vFl = max(vFl, xv);
	vDsb = max(vDsb, xv);
	bbmDsb(whole)
}

active proctype cpu0()
{
	sb!ZERO;				/* break: *ptep = 0 */
	d_step { len(sb) == 0 -> dsb(0) }	/* dsb(ishst) */
	d_step {				/* tlbi vaae1is, VA 0x1000: queued on every CPU */
		xw = 0;
		do :: xw <= NW -> tqn[xw] = 1; tqv[xw] = vDsb; xw++ :: else -> break od;
		tlbiOut = NW + 1;
		if :: bbmSt == DSBD && vDsb >= bbmView -> bbmSt = TLBID :: else -> skip fi }
	d_step { len(sb) == 0 && tlbiOut == 0 -> dsb(1) }	/* dsb(ish) */
	sb!PAGE3;				/* make: *ptep = page(0x3000) */
	d_step { len(sb) == 0 -> dsb(0) }	/* dsb(ishst) */
	d_step {				/* isb; return: CPU0's load views retire */
		vCse = max(vCse, vDsb);
		ret = 1;
		vR = 0; vW = 0; vFl = 0; coh = 0;
		collect() }
}

/* CPU0's store buffer commits, and the TLBI completes on CPU0 (nothing cached there for the VA). */
active proctype cpu0mach()
{
end:
	do
	:: d_step { nempty(sb) -> commit() }
	:: d_step { tqn[0] -> tqn[0] = 0; tlbiOut--; vTlbi[0] = max(vTlbi[0], tqv[0]); tqv[0] = 0 }
	od
}

/* A walk of walker w reads write e of the PTE: a leaf or a fault; the walk ends (walk.ts). */
inline leaf(w, e) {
	if
	:: mv[e] == PAGE1 -> tlb[w] = tlb[w] | 1; assert(tlb[w] != 3)	/* else a tlb-conflict */
	:: mv[e] == PAGE3 -> tlb[w] = tlb[w] | 2; assert(tlb[w] != 3)
	:: else ->
		if :: !wEarly[w] || wEarlyFl[w] < wStart[w] -> wEarlyFl[w] = wStart[w] :: else -> skip fi;
		wEarly[w] = 1
	fi;
	if
	:: wFill[w] && !wcHas[w] -> wcHas[w] = 1; wcView[w] = wFillView[w]
	:: wFill[w] && wcHas[w] -> wcView[w] = (wFillView[w] < wcView[w] -> wFillView[w] : wcView[w])
	:: else -> skip
	fi;
	wAct[w] = 0; wLvl[w] = 0; wFloor[w] = 0; wStart[w] = 0; wFill[w] = 0; wFillView[w] = 0;
	wDone[w]++
}

/* Start floor of walker w's walks: max(its CPU's isb view (0), its TLBI view). */
#define FLOOR(w)	vTlbi[(w) + 1]
#define IDLE(w)		(!wAct[w] && wDone[w] < WALKS)
/* from the walk cache's pointer to frame 1, at level 3, reading write e of the PTE */
#define FROMWC(w, e)	(IDLE(w) && wcHas[w] && READABLE(e, max(FLOOR(w), wcView[w])))
#define ATLEAF(w, e)	(wAct[w] && wLvl[w] == 3 && READABLE(e, wFloor[w]))
inline startWc(w) {
	wAct[w] = 1; wStart[w] = FLOOR(w); wFloor[w] = max(FLOOR(w), wcView[w]); wLvl[w] = 3
}

active [NW] proctype walker()
{
	byte w = _pid - 2;	/* pids 0, 1: cpu0(), cpu0mach(); walker w is CPU w + 1's */
end:
	do
	/* from TTBR1: read root[0] (one write, stamped 0: the pointer to frame 1) */
	:: d_step { IDLE(w) ->
		wAct[w] = 1; wStart[w] = FLOOR(w); wFloor[w] = FLOOR(w);
		wFill[w] = 1; wFillView[w] = wFloor[w]; wLvl[w] = 3 }
	:: d_step { FROMWC(w, 0) -> startWc(w); leaf(w, 0) }
	:: d_step { FROMWC(w, 1) -> startWc(w); leaf(w, 1) }
	:: d_step { FROMWC(w, 2) -> startWc(w); leaf(w, 2) }
	:: d_step { FROMWC(w, 3) -> startWc(w); leaf(w, 3) }
	:: d_step { ATLEAF(w, 0) -> leaf(w, 0) }
	:: d_step { ATLEAF(w, 1) -> leaf(w, 1) }
	:: d_step { ATLEAF(w, 2) -> leaf(w, 2) }
	:: d_step { ATLEAF(w, 3) -> leaf(w, 3) }
	/* the TLBI completes on CPU w + 1: TLB and walk-cache entries for the VA go, a walk in flight is cut */
	:: d_step { tqn[w + 1] ->
		tqn[w + 1] = 0; tlbiOut--; vTlbi[w + 1] = max(vTlbi[w + 1], tqv[w + 1]); tqv[w + 1] = 0;
		tlb[w] = 0; wcHas[w] = 0; wcView[w] = 0;
		wAct[w] = 0; wLvl[w] = 0; wFloor[w] = 0; wStart[w] = 0; wFill[w] = 0; wFillView[w] = 0 }
	od
}
