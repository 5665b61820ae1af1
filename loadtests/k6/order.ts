/** One shop order as POST /checkout takes it, drawn the way the bench draws them (5% large baskets). */
export interface CheckoutOrder {
  id: string;
  amount: number;
  pool: string;
  store: string;
  terminal: string;
  segment: string;
}

export function makeOrder(vu: number, iter: number): CheckoutOrder {
  const large = Math.random() < 0.05;
  return {
    id: `k6-${vu}-${iter}`,
    amount: large
      ? 50_000 + Math.floor(Math.random() * 400_000)
      : 500 + Math.floor(Math.random() * 30_000),
    pool: 'qr',
    store: `s-${String(1 + Math.floor(Math.random() * 40)).padStart(3, '0')}`,
    terminal: `t-${1 + Math.floor(Math.random() * 4)}`,
    segment: Math.random() < 0.1 ? 'new' : 'regular',
  };
}
