/** An order of one user's. */
export interface Order {
  id: string;
  item: string;
  quantity: number;
}

/** Where orders come from: a database in a real app, so every read is asynchronous and can fail. */
export interface OrderBook {
  /** The orders of the user with this Cognito `sub`, newest first. */
  list(sub: string): Promise<Order[]>;
}

/** An order book in memory, where every new user finds one sample order. */
export function createSampleOrderBook(): OrderBook {
  return {
    list: async (sub) => [{ id: `${sub.slice(0, 8)}-1`, item: 'Hex bolts M6 (100)', quantity: 2 }],
  };
}
