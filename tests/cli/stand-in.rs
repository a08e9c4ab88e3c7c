// SPDX-License-Identifier: GPL-2.0
// A stand-in for --replace in tests refused before any build (a FILE must
// end as the TREE_PATH it replaces does). Never compiled.
