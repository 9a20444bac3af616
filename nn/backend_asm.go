package nn

import (
	"runtime"
	"sync"
)

// Asm is the pure-Go backend over an assembly micro-kernel (Go assembly,
// no cgo): AVX2+FMA on amd64 (sgemm_amd64.s), NEON on arm64
// (sgemm_arm64.s). It packs op(B) into column panels of 16 and alpha*op(A)
// into row panels of 6, in cache blocks, and runs a 6x16 register-tile
// kernel over them. On amd64 CPUs without AVX2+FMA, and on other
// architectures, it falls back to Gonum. A large product is split over row
// blocks that run on the cores that are idle (see parallel.go); the split
// does not change any result.
type Asm struct{}

// Name returns "go-neon" on arm64 and "go-avx2" elsewhere.
func (Asm) Name() string { return asmName }

// AsmSupported reports whether Asm runs its own kernel here (amd64 with
// AVX2 and FMA, or arm64) rather than falling back to Gonum.
func AsmSupported() bool { return hasAsmKernel }

// Micro-tile and cache-block sizes of Asm.Sgemm. A packed B block (kc x nc,
// up to 1 MiB) stays in L2, a packed A block (mc x kc, 96 KiB) in L2 too,
// and one B micro-panel (kc x 16, 16 KiB) in L1 while the A micro-panels of
// the block stream past it.
const (
	asmMR = 6
	asmNR = 16
	asmKC = 256
	asmMC = 96
	asmNC = 1024
)

type asmBufs struct{ a, b []float32 }

var asmPool = sync.Pool{New: func() any { return new(asmBufs) }}

// Sgemm implements Backend.
func (Asm) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !hasAsmKernel {
		Gonum{}.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	rows := gemmPartRows(m, n, k)
	if rows >= m {
		asmSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	t := gemmTasks.Get().(*gemmTask)
	*t = gemmTask{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, rows}
	run(t, (m+rows-1)/rows)
	*t = gemmTask{}
	gemmTasks.Put(t)
}

// minGemmPart is the fewest multiply-adds worth one part of a split
// product (about 8 µs of kernel time): below it, waking another goroutine
// for the part costs too much of what it saves. Chosen on 2 cores; a
// machine with many cores may want it tuned.
const minGemmPart = 1 << 18

// gemmPartRows returns the rows of C per part when an m x n x k product
// is split over the cores: a multiple of the micro-tile height asmMR, so
// that every row lands in a micro-tile of the same rows (and is computed
// by the same instructions) whatever the split; m when it should not be
// split.
func gemmPartRows(m, n, k int) int {
	p := runtime.GOMAXPROCS(0)
	if p < 2 || m < 2*asmMR {
		return m
	}
	parts := min(p, m*n*k/minGemmPart, m/asmMR)
	if parts < 2 {
		return m
	}
	return roundUp((m+parts-1)/parts, asmMR)
}

// gemmTask is a product split over row blocks of rows rows.
type gemmTask struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
	rows           int
}

var gemmTasks = sync.Pool{New: func() any { return new(gemmTask) }}

// runPart computes rows [i*rows, (i+1)*rows) of C.
func (t *gemmTask) runPart(i int) {
	lo := i * t.rows
	h := min(t.rows, t.m-lo)
	off := lo * t.lda // row lo of op(A) = A
	if t.transA {
		off = lo // row lo of op(A) = column lo of A
	}
	a := t.a[off:]
	asmSgemm(t.transA, t.transB, h, t.n, t.k, t.alpha, a, t.lda, t.b, t.ldb, t.beta, t.c[lo*t.ldc:], t.ldc)
}

// asmSgemm is Asm.Sgemm on the calling goroutine, for checked arguments
// with m, n, k > 0 and alpha != 0.
func asmSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	bufs := asmPool.Get().(*asmBufs)
	defer asmPool.Put(bufs)
	kc := min(k, asmKC)
	bufs.a = grow(bufs.a, roundUp(min(m, asmMC), asmMR)*kc)
	bufs.b = grow(bufs.b, roundUp(min(n, asmNC), asmNR)*kc)
	var tile [asmMR * asmNR]float32
	// With alpha 1 the packed A would be a copy: the kernel reads A where
	// it is (sgemmKernel6x16S, same multiply-adds, same bits), and only a
	// last panel of fewer than 6 rows is packed, zero-padded.
	direct := alpha == 1 && asmDirect && hasDirectKernel
	rs, ks := lda, 1 // element (i, p) of op(A) is at i*rs + p*ks
	if transA {
		rs, ks = 1, lda
	}
	for jc := 0; jc < n; jc += asmNC {
		nb := min(asmNC, n-jc)
		for pc := 0; pc < k; pc += asmKC {
			kb := min(asmKC, k-pc)
			bet := float32(1)
			if pc == 0 {
				bet = beta
			}
			packB(bufs.b, transB, b, ldb, pc, kb, jc, nb)
			for ic := 0; ic < m; ic += asmMC {
				mb := min(asmMC, m-ic)
				full := mb / asmMR * asmMR
				switch {
				case !direct:
					packA(bufs.a, transA, a, lda, ic, mb, pc, kb, alpha)
				case full < mb:
					packA(bufs.a[full*kb:], transA, a, lda, ic+full, mb-full, pc, kb, alpha)
				}
				for jr := 0; jr < nb; jr += asmNR {
					nr := min(asmNR, nb-jr)
					bp := &bufs.b[jr*kb]
					for ir := 0; ir < mb; ir += asmMR {
						mr := min(asmMR, mb-ir)
						ci := (ic+ir)*ldc + jc + jr
						dst, ldd, bd := &tile[0], asmNR, float32(0)
						if mr == asmMR && nr == asmNR {
							_ = c[ci+(asmMR-1)*ldc+asmNR-1] // the whole tile is in c
							dst, ldd, bd = &c[ci], ldc, bet
						}
						if direct && mr == asmMR {
							off := (ic+ir)*rs + pc*ks
							_ = a[off+(asmMR-1)*rs+(kb-1)*ks] // the whole panel is in a
							sgemmKernel6x16S(kb, &a[off], rs, ks, bp, dst, ldd, bd)
						} else {
							sgemmKernel6x16(kb, &bufs.a[ir*kb], bp, dst, ldd, bd)
						}
						if dst != &tile[0] {
							continue
						}
						for r := range mr {
							row, t := c[ci+r*ldc:ci+r*ldc+nr], tile[r*asmNR:r*asmNR+nr]
							if bet == 0 {
								copy(row, t)
								continue
							}
							for j, v := range t {
								// The conversion keeps the product rounded (Go
								// fuses x + y*z into one FMA on arm64), so the
								// edges round alike on every architecture.
								row[j] = v + float32(bet*row[j])
							}
						}
					}
				}
			}
		}
	}
}

// asmDirect lets Asm read A in place when alpha is 1; tests turn it off
// to compare with the packed path.
var asmDirect = true

func roundUp(x, to int) int { return (x + to - 1) / to * to }

// packB packs rows pc..pc+kb and columns jc..jc+nb of op(B) into dst as
// panels of 16 columns, each kb rows of 16 floats, zero-padded on the right.
func packB(dst []float32, transB bool, b []float32, ldb, pc, kb, jc, nb int) {
	j1 := 0 // the full panels before j1 are packed
	if !transB && nb >= asmNR {
		full := nb / asmNR
		_ = b[(pc+kb-1)*ldb+jc+full*asmNR-1] // all kb rows of full*16 are in b
		_ = dst[full*asmNR*kb-1]
		sgemmPackBRows(kb, &b[pc*ldb+jc], ldb, &dst[0], full, kb)
		j1 = full * asmNR
	}
	for j0 := j1; j0 < nb; j0 += asmNR {
		w := min(asmNR, nb-j0)
		d := dst[j0*kb : j0*kb+asmNR*kb]
		if !transB { // B is stored k x n
			if w == asmNR {
				_ = b[(pc+kb-1)*ldb+jc+j0+asmNR-1] // all kb rows of 16 are in b
				sgemmPackB16(kb, &b[pc*ldb+jc+j0], ldb, &d[0])
				continue
			}
			for p := range kb {
				src := b[(pc+p)*ldb+jc+j0:]
				dp := d[p*asmNR : p*asmNR+asmNR]
				copy(dp, src[:w])
				clear(dp[w:])
			}
			continue
		}
		// B is stored n x k: column j of op(B) is row j of B.
		p0 := 0 // the values of k before p0 are packed
		if hasDirectKernel && w == asmNR && kb >= 8 {
			_ = b[(jc+j0+asmNR-1)*ldb+pc+kb/8*8-1] // the 16 rows' first kb/8*8 values are in b
			sgemmPackBT16(kb/8, &b[(jc+j0)*ldb+pc], ldb, &d[0])
			p0 = kb / 8 * 8
		}
		for jj := range w {
			src := b[(jc+j0+jj)*ldb+pc:]
			src = src[p0:kb]
			for p, v := range src {
				d[(p0+p)*asmNR+jj] = v
			}
		}
		if w < asmNR {
			for p := range kb {
				clear(d[p*asmNR+w : p*asmNR+asmNR])
			}
		}
	}
}

// packA packs alpha times rows ic..ic+mb and columns pc..pc+kb of op(A)
// into dst as panels of 6 rows, each kb groups of 6 floats (one column of
// the panel), zero-padded below.
func packA(dst []float32, transA bool, a []float32, lda, ic, mb, pc, kb int, alpha float32) {
	if transA && mb >= 2*asmMR {
		packATRows(dst, a, lda, ic, mb, pc, kb, alpha)
	}
	for i0 := 0; i0 < mb; i0 += asmMR {
		h := min(asmMR, mb-i0)
		d := dst[i0*kb : i0*kb+asmMR*kb]
		if transA { // A is stored k x m
			if h == asmMR && i0+asmMR <= mb && mb >= 2*asmMR {
				continue // packed row by row below
			}
			for p := range kb {
				src := a[(pc+p)*lda+ic+i0:]
				src = src[:h]
				dp := d[p*asmMR : p*asmMR+asmMR]
				for r, v := range src {
					dp[r] = alpha * v
				}
				clear(dp[h:])
			}
			continue
		}
		if h == asmMR {
			r0 := a[(ic+i0)*lda+pc:][:kb]
			r1 := a[(ic+i0+1)*lda+pc:][:kb]
			r2 := a[(ic+i0+2)*lda+pc:][:kb]
			r3 := a[(ic+i0+3)*lda+pc:][:kb]
			r4 := a[(ic+i0+4)*lda+pc:][:kb]
			r5 := a[(ic+i0+5)*lda+pc:][:kb]
			for p := range kb {
				dp := d[p*asmMR : p*asmMR+asmMR]
				dp[0], dp[1], dp[2] = alpha*r0[p], alpha*r1[p], alpha*r2[p]
				dp[3], dp[4], dp[5] = alpha*r3[p], alpha*r4[p], alpha*r5[p]
			}
			continue
		}
		for r := range asmMR {
			if r >= h {
				for p := range kb {
					d[p*asmMR+r] = 0
				}
				continue
			}
			src := a[(ic+i0+r)*lda+pc:][:kb]
			for p, v := range src {
				d[p*asmMR+r] = alpha * v
			}
		}
	}
}

// packATRows packs the full 6-row panels of alpha*op(A) = alpha*Aᵀ (A stored
// k x m) in rows ic..ic+mb, columns pc..pc+kb, reading A row by row.
func packATRows(dst []float32, a []float32, lda, ic, mb, pc, kb int, alpha float32) {
	full := mb / asmMR * asmMR
	for p := range kb {
		src := a[(pc+p)*lda+ic:]
		src = src[:full]
		for i0 := 0; i0 < full; i0 += asmMR {
			s := src[i0 : i0+asmMR]
			d := dst[i0*kb+p*asmMR : i0*kb+p*asmMR+asmMR]
			d[0], d[1], d[2] = alpha*s[0], alpha*s[1], alpha*s[2]
			d[3], d[4], d[5] = alpha*s[3], alpha*s[4], alpha*s[5]
		}
	}
}

// scaleC sets C = beta*C, with beta == 0 overwriting NaNs too.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// pureGoBackend is the default backend of builds without OpenBLAS: Asm
// where it has a kernel (amd64 with AVX2 and FMA, arm64), Gonum elsewhere.
func pureGoBackend() Backend {
	if hasAsmKernel {
		return Asm{}
	}
	return Gonum{}
}
