const API_URL = process.env.NEXT_PUBLIC_API_URL || 'http://localhost:4000';

export async function getProducts() {
  const res = await fetch(`${API_URL}/products`, { next: { revalidate: 60 } });
  if (!res.ok) throw new Error(`GET /products: ${res.status}`);
  return res.json();
}
