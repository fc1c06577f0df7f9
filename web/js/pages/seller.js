// The seller's pages: products, a product's page and its change-request forms, the change
// requests, Product Load Forms and the dashboard.
import { productsPage, productPage } from './products.js';
import { createProductPage, productActionPage, versionActionPage } from './product-forms.js';
import { changesPage, changePage } from './changes.js';
import { plfPage } from './plf.js';
import { dashboardPage } from './dashboard.js';

export function registerSellerPages(route) {
  const roles = ['SELLER'];
  route('/products', { roles, title: 'Products', render: productsPage });
  route('/products/new', { roles, title: 'Create product', render: createProductPage });
  route('/products/:id', { roles, title: 'Product', render: productPage });
  route('/products/:id/versions/:versionId/:action', { roles, title: 'Version', render: versionActionPage });
  route('/products/:id/:action', { roles, title: 'Change request', render: productActionPage });
  route('/changes', { roles, title: 'Change requests', render: changesPage });
  route('/changes/:id', { roles, title: 'Change request', render: changePage });
  route('/plf', { roles, title: 'Product Load Forms', render: plfPage });
  route('/dashboard', { roles, title: 'Dashboard', render: dashboardPage });
}
