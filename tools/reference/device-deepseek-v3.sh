# Regenerates the DeepSeek-V3 reference counts on a GPU machine (bf16, 4 layers built), with
# the transformers wheels in .whl5/ (pip download ... transformers==5.25.0 and its pure deps)
# installed beside the machine's own torch; output in $OUT.
set -x
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > $OUT/gpu.txt
pip install -q --no-deps --no-index --target /tmp/tf $(ls .whl5/*.whl | grep -v numpy)
export PYTHONPATH=/tmp/tf
python3 -c "import transformers, torch; print(transformers.__version__, torch.__version__)" | tee $OUT/versions.txt
R="python3 tools/reference/decoder_reference.py tools/reference/configs/deepseek-v3.json --device cuda --dtype bfloat16 --name deepseek-ai/DeepSeek-V3"
$R --prefill 17x2,64x1 --decode 40x3,100x1 --out $OUT/deepseek-v3.json 2>&1 | grep -v Warning | tail -3
$R --prefill 23x3 --decode 57x2 --out $OUT/deepseek-v3-holdout.json 2>&1 | grep -v Warning | tail -3
ls -la $OUT
