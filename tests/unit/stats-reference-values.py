#!/usr/bin/env python3
"""Reference values for tests/unit/stats-*.test.ts, computed independently of the TypeScript code
and of @stdlib: mpmath 1.3.0 at 50 significant digits, from the textbook formulas written out
below. Run `python3 tests/unit/stats-reference-values.py` to reprint every literal the tests use."""
from fractions import Fraction
from mpmath import mp, mpf, sqrt, erfc, betainc, gammainc, findroot, quad, beta as B, log, exp

mp.dps = 50

def ncdf(x):  # standard normal distribution function
    return erfc(-x / sqrt(2)) / 2

def nq(p):  # standard normal quantile
    return findroot(lambda x: ncdf(x) - p, mpf(0))

def tcdf_lower(t, df):  # P(T <= t) for t <= 0
    return betainc(df / 2, mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2

def tq(p, df):  # t quantile for p > 0.5
    return findroot(lambda x: (1 - tcdf_lower(-x, df)) - p, nq(p))

Z = nq(mpf("0.975"))
print("z_0.975 =", mp.nstr(Z, 20))

def proportions(n1, c1, n2, c2):
    p1, p2 = mpf(c1) / n1, mpf(c2) / n2
    pp = mpf(c1 + c2) / (n1 + n2)
    z = (p2 - p1) / sqrt(pp * (1 - pp) * (mpf(1) / n1 + mpf(1) / n2))
    se = sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    lift = p2 / p1 - 1
    rse = sqrt((p2 * (1 - p2) / n2) / p1**2 + p2**2 * (p1 * (1 - p1) / n1) / p1**4)
    return dict(diff=p2 - p1, z=z, pValue=2 * ncdf(-abs(z)), ciLow=p2 - p1 - Z * se, ciHigh=p2 - p1 + Z * se,
                relativeLift=lift, relativeCiLow=lift - Z * rse, relativeCiHigh=lift + Z * rse)

def welch(n1, m1, v1, n2, m2, v2):
    a, b = mpf(v1) / n1, mpf(v2) / n2
    se = sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    t = (mpf(m2) - mpf(m1)) / se
    q = tq(mpf("0.975"), df)
    d = mpf(m2) - mpf(m1)
    return dict(diff=d, t=t, df=df, pValue=2 * tcdf_lower(-abs(t), df), ciLow=d - q * se, ciHigh=d + q * se)

def srm(observed, weights):
    tot, ws = sum(observed), sum(weights)
    chi2 = sum((mpf(o) - mpf(tot) * w / ws) ** 2 / (mpf(tot) * w / ws) for o, w in zip(observed, weights))
    df = len(observed) - 1
    return dict(chi2=chi2, df=df, pValue=gammainc(mpf(df) / 2, chi2 / 2, regularized=True))  # upper tail

def beta_beats(aa, ba, ab, bb):
    """P(X_B > X_A), X_A ~ Beta(aa, ba), X_B ~ Beta(ab, bb), integer ab: Evan Miller's closed form
    (https://www.evanmiller.org/bayesian-ab-testing.html), sum_{i<ab} B(aa+i, ba+bb) / ((bb+i) B(1+i, bb) B(aa, ba))."""
    return sum(B(aa + i, ba + bb) / ((bb + i) * B(1 + i, bb) * B(aa, ba)) for i in range(ab))

def beta_pdf(x, a, b):
    return x ** (a - 1) * (1 - x) ** (b - 1) / B(a, b)

def beta_loss(aa, ba, ab, bb):
    """E[max(X_A - X_B, 0)] = integral of f_A(x) (integral_0^x (x - y) f_B(y) dy) dx, the inner one in
    closed form, x I_x(ab, bb) - ab / (ab + bb) I_x(ab + 1, bb), the outer by tanh-sinh quadrature
    split around both posteriors' means so the peaks are resolved."""
    def pts(a, b):
        m = mpf(a) / (a + b); s = sqrt(m * (1 - m) / (a + b + 1))
        return sorted(set([mpf(0), mpf(1)] + [min(max(m + k * s, mpf(0)), mpf(1)) for k in (-8, -4, -2, -1, 0, 1, 2, 4, 8)]))
    px, py = pts(aa, ba), pts(ab, bb)
    mb = mpf(ab) / (ab + bb)
    def inner(x):
        return x * betainc(ab, bb, 0, x, regularized=True) - mb * betainc(ab + 1, bb, 0, x, regularized=True)
    return quad(lambda x: beta_pdf(x, aa, ba) * inner(x), sorted(set(px + py)))

def show(name, d):
    print(name)
    for k, v in d.items():
        print(f"  {k}: {mp.nstr(v, 17) if not isinstance(v, int) else v},")

show("proportions(1000, 100, 1000, 120)", proportions(1000, 100, 1000, 120))
show("proportions(5000, 500, 5100, 560)", proportions(5000, 500, 5100, 560))
show("proportions(20, 3, 25, 9)", proportions(20, 3, 25, 9))
show("proportions(1300, 4, 1200, 0)", proportions(1300, 4, 1200, 0))
show("welch(10, 5.2, 1.3, 14, 6.1, 2.9)", welch(10, mpf("5.2"), mpf("1.3"), 14, mpf("6.1"), mpf("2.9")))
show("welch(249, 20.14458, 6.41470^2, 79, 30.48101, 6.10771^2)", welch(249, mpf("20.14458"), mpf("6.41470")**2, 79, mpf("30.48101"), mpf("6.10771")**2))
show("welch(3, 100, 400, 500, 104, 25)", welch(3, 100, 400, 500, 104, 25))
def summary(xs):  # exact mean and sample variance of decimal data
    xs = [Fraction(x) for x in xs]; n = len(xs); m = sum(xs) / n
    return n, mpf(m.numerator) / m.denominator, (lambda v: mpf(v.numerator) / v.denominator)(sum((x - m) ** 2 for x in xs) / (n - 1))
# Wikipedia, "Welch's t-test", examples 1 and 2 (A1 vs A2, B1 vs B2); control = first sample
WA1 = "27.5 21.0 19.0 23.6 17.0 17.9 16.9 20.1 21.9 22.6 23.1 19.6 19.0 21.7 21.4".split()
WA2 = "27.1 22.0 20.8 23.4 23.4 23.5 25.8 22.0 24.8 20.2 21.9 22.1 22.9 20.5 24.4".split()
WB1 = "17.2 20.9 22.6 18.1 21.7 21.4 23.5 24.2 14.7 21.8".split()
WB2 = "21.5 22.8 21.0 23.0 21.6 23.6 22.5 20.7 23.4 21.8 20.7 21.7 21.5 22.5 23.6 21.5 22.5 23.5 21.5 21.8".split()
show("welch(A1, A2)", welch(*summary(WA1), *summary(WA2)))
show("welch(B1, B2)", welch(*summary(WB1), *summary(WB2)))
show("srm([5000, 5200], [1, 1])", srm([5000, 5200], [1, 1]))
show("srm([1000, 1050, 2100], [1, 1, 2])", srm([1000, 1050, 2100], [1, 1, 2]))
show("srm([821, 779], [50, 50])", srm([821, 779], [50, 50]))
mp.dps = 50
for (x, a, b) in [("0.1", 101, 901), ("0.13", 121, 881), ("0.3", 3, 5), ("0.9", 3, 5), ("0.5", 1, 1), ("0.1003", 10001, 90001), ("0.0005", 2, 3000)]:
    print(f"beta_pdf({x}, {a}, {b}) = {mp.nstr(beta_pdf(mpf(x), a, b), 17)}")
mp.dps = 30
for (aa, ba, ab, bb) in [(101, 901, 121, 881), (3, 5, 7, 4), (1, 1, 1, 1), (41, 960, 35, 966)]:
    print(f"beta A=({aa},{ba}) B=({ab},{bb}): P(B>A) = {mp.nstr(beta_beats(aa, ba, ab, bb), 17)}, "
          f"E[max(A-B,0)] = {mp.nstr(beta_loss(aa, ba, ab, bb), 17)}, E[max(B-A,0)] = {mp.nstr(beta_loss(ab, bb, aa, ba), 17)}")

for (aa, ba, ab, bb) in [(1001, 9001, 1061, 8941)]:
    print(f"beta A=({aa},{ba}) B=({ab},{bb}): P(B>A) = {mp.nstr(beta_beats(aa, ba, ab, bb), 17)}")
mp.dps = 50

# p.adjust by the definitions (exact rationals)
ps = [Fraction(1, 100), Fraction(4, 100), Fraction(3, 100), Fraction(5, 1000), Fraction(2, 10)]
m = len(ps)
order = sorted(range(m), key=lambda i: ps[i])
holm, run = [None] * m, Fraction(0)
for k, i in enumerate(order):
    run = max(run, min(Fraction(1), (m - k) * ps[i])); holm[i] = run
bh, run = [None] * m, Fraction(1)
for k in range(m - 1, -1, -1):
    i = order[k]; run = min(run, Fraction(m, k + 1) * ps[i]); bh[i] = run
print("holm", [str(x) for x in holm]); print("bh", [str(x) for x in bh])

# power.prop.test closed form (strict = FALSE) and its inverse
def prop_n(p1, p2, alpha, power):
    pbar = (p1 + p2) / 2
    return ((nq(1 - alpha / 2) * sqrt(2 * pbar * (1 - pbar)) + nq(power) * sqrt(p1 * (1 - p1) + p2 * (1 - p2))) / (p2 - p1)) ** 2
def prop_power(n, p1, p2, alpha):
    pbar = (p1 + p2) / 2
    return ncdf((sqrt(n) * abs(p2 - p1) - nq(1 - alpha / 2) * sqrt(2 * pbar * (1 - pbar))) / sqrt(p1 * (1 - p1) + p2 * (1 - p2)))
print("prop n(.5,.75,.05,.9) =", mp.nstr(prop_n(mpf(".5"), mpf(".75"), mpf(".05"), mpf(".9")), 17))
print("prop power(50,.5,.75,.05) =", mp.nstr(prop_power(50, mpf(".5"), mpf(".75"), mpf(".05")), 17))
print("prop n(.10,.11,.05,.8) =", mp.nstr(prop_n(mpf(".10"), mpf(".11"), mpf(".05"), mpf(".8")), 17))
print("means n(delta=1, sd=4, .05, .8) =", mp.nstr(2 * 16 * (nq(mpf(".975")) + nq(mpf(".8"))) ** 2, 17))
