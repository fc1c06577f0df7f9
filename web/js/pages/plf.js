// Product Load Forms: download a blank form or one pre-filled with a product, and upload a
// completed form. An upload with mistakes submits nothing and lists every mistake by cell.
import { h, replace } from '../dom.js';
import { request } from '../api.js';
import * as catalog from '../catalog.js';
import { field, followChangeSet } from '../forms.js';
import { announce, pageTitle, section, errorBox, dataTable, successBox } from '../ui.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function plfPage({ page, signal }) {
  page.append(pageTitle('Product Load Forms'),
    h('p', { class: 'lead' }, 'A Product Load Form is a spreadsheet with everything about a product. Download one, ',
      'fill it in or edit it, and upload it: the portal turns it into a change request.'));

  // Download
  const productSelect = field({ label: 'Product', name: 'product', kind: 'select', id: 'plf-product',
    options: [['', 'Loading your products…']] });
  const exportLink = h('a', { class: 'button', id: 'plf-export', href: '#', 'aria-disabled': 'true' }, 'Download the pre-filled form');
  const syncLink = () => {
    const id = productSelect.control.value;
    if (id) {
      exportLink.href = `/amiplace/v1/plf/export?productId=${encodeURIComponent(id)}`;
      exportLink.setAttribute('download', `${id}.xlsx`);
      exportLink.removeAttribute('aria-disabled');
    } else {
      exportLink.href = '#/plf';
      exportLink.removeAttribute('download');
      exportLink.setAttribute('aria-disabled', 'true');
    }
  };
  productSelect.control.addEventListener('change', syncLink);
  exportLink.addEventListener('click', (e) => { if (!productSelect.control.value) e.preventDefault(); });
  page.append(section('Download a form',
    h('p', null, h('a', { class: 'button', id: 'plf-blank', href: '/amiplace/v1/plf/blank?productType=ami', download: 'amiplace-ami-product-load-form.xlsx' },
      'Download a blank form'), ' ', h('span', { class: 'hint' }, 'for a new AMI product (leave ProductId empty).')),
    h('div', { class: 'inline-form' }, productSelect, exportLink),
    h('p', { class: 'hint' }, 'The pre-filled form holds the product as it is now: change only what you want to update.')));

  // Upload
  const fileField = field({ label: 'Completed form (.xlsx)', name: 'file', kind: 'file', id: 'plf-file',
    attrs: { accept: `.xlsx,${XLSX}` }, hint: 'At most 10 MB.' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Upload');
  const result = h('div', { class: 'plf-result', id: 'plf-result' });
  const form = h('form', { class: 'upload-form', 'aria-label': 'Upload a Product Load Form', novalidate: true }, fileField, h('div', { class: 'actions' }, submit));
  page.append(section('Upload a form', form, result));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(result);
    const file = fileField.control.files?.[0];
    if (!file) {
      replace(result, errorBox('Choose the .xlsx file to upload.'));
      fileField.control.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Uploading…';
    try {
      const bytes = await file.arrayBuffer();
      const out = await request('POST', '/amiplace/v1/plf', { body: bytes, contentType: XLSX });
      if (!out?.ChangeSetId) {
        replace(result, successBox(h('p', null, 'The form changes nothing: no change request was made.')));
        announce('The form changes nothing.');
      } else {
        const statusEl = h('div');
        replace(result, successBox(h('p', null, `${file.name} was accepted.`)),
          dataTable({
            caption: 'Changes requested', id: 'plf-changes',
            columns: [
              { label: 'Change', header: true, render: (c) => c.ChangeType },
              { label: 'Entity', render: (c) => c.EntityId?.startsWith('prod-')
                ? h('a', { href: `#/products/${encodeURIComponent(c.EntityId)}` }, c.EntityId) : (c.EntityId ?? 'new') },
            ],
            rows: out.Changes ?? [],
          }), statusEl);
        await followChangeSet(out.ChangeSetId, { statusEl, signal });
      }
    } catch (err) {
      if (err?.name === 'AbortError') return;
      const errors = err.body?.Errors ?? [];
      replace(result, errorBox(err, errors.length ? `The form was not submitted: ${errors.length} mistake${errors.length === 1 ? '' : 's'} to correct.` : 'The form was not accepted.'),
        errors.length ? dataTable({
          caption: 'Mistakes in the form, by cell', id: 'plf-errors',
          columns: [
            { label: 'Cell', header: true, render: (x) => h('code', null, x.Cell ?? '') },
            { label: 'Column', render: (x) => x.Column ?? '' },
            { label: 'Message', render: (x) => x.Message ?? '' },
          ],
          rows: errors,
        }) : null);
      announce(errors.length ? `${errors.length} mistakes in the form.` : `Upload failed: ${err.message}`);
      result.querySelector('[role=alert]')?.setAttribute('tabindex', '-1');
      result.querySelector('[role=alert]')?.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Upload';
    }
  });

  try {
    const products = await catalog.listProducts({ signal });
    replace(productSelect.control, h('option', { value: '' }, products.length ? 'Choose a product' : 'No products yet'),
      products.map((p) => h('option', { value: p.EntityId }, `${p.Name || '(untitled)'} (${p.EntityId})`)));
    syncLink();
  } catch (e) {
    if (e?.name === 'AbortError') return;
    productSelect.after(errorBox(e, 'Your products could not be loaded.'));
  }
}
